// An MCP client as agents use it: the official TypeScript SDK, spawning the
// stdio server /opt/openshell/bin/openshell-mcp inside an OpenShell sandbox
// (configuration only). Calls what argv[2] (JSON) lists, {calls: [[name,
// args]...], repeat: [{name, args, count, gapMs, settleMs}...]}, and prints one
// JSON object with what it saw (each call's latency as the client measured it).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const plan = JSON.parse(process.argv[2] ?? "{}");
const transport = new StdioClientTransport({
  command: "/opt/openshell/bin/openshell-mcp",
  env: { OPENSHELL_GATEWAY: process.env.OPENSHELL_GATEWAY },
  stderr: "inherit",
});
const client = new Client({ name: "openshell-sdk-test", version: "1.0.0" });
const seen = { calls: [] };
await client.connect(transport);
seen.server = client.getServerVersion();
seen.protocolVersion = transport._protocolVersion ?? null;
seen.tools = (await client.listTools()).tools.map((t) => t.name);
for (const [name, args] of plan.calls ?? []) {
  const started = performance.now();
  const r = await client.callTool({ name, arguments: args });
  seen.calls.push({
    name,
    ms: performance.now() - started,
    isError: Boolean(r.isError),
    text: r.content?.[0]?.text ?? null,
    structured: r.structuredContent ?? null,
    decision: r._meta?.openshell?.decision ?? null,
  });
}
for (const { name, args, count, gapMs, settleMs } of [].concat(plan.repeat ?? [])) {
  await new Promise((r) => setTimeout(r, settleMs ?? 0));
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const r = await client.callTool({ name, arguments: args });
    seen.calls.push({ name, ms: performance.now() - started, isError: Boolean(r.isError) });
    await new Promise((r) => setTimeout(r, gapMs ?? 0));
  }
}
await client.close();
console.log(JSON.stringify(seen));
