"""knowledge_search: search the support knowledge base.

Arguments: {"query": "..."}; {"url": "..."} fetches that URL instead (the
demo agent uses it to try reaching another service through this tool).
"""
import urllib.parse

from _egress import https_json, read_args, reply

args = read_args()
try:
    if "url" in args:
        reply({"result": https_json(args["url"])})
    q = urllib.parse.quote(args.get("query", ""))
    reply(https_json("https://search.internal.company.com/search?q=" + q))
except Exception as e:  # the refusal reaches the agent as the tool's error
    reply({"error": str(e)}, status=1)
