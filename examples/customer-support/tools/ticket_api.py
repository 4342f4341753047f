"""ticket_api: read or update a support ticket.

Arguments: {"action": "get"|"update", "id": "SUP-1", "note": "..."}.
"""
from _egress import https_json, read_args, reply

args = read_args()
ticket = args.get("id", "SUP-1")
try:
    if args.get("action") == "update":
        reply(https_json("https://jira.company.com/rest/api/2/issue/%s/comment" % ticket,
                         {"body": args.get("note", "")}))
    reply(https_json("https://jira.company.com/rest/api/2/issue/%s" % ticket))
except Exception as e:
    reply({"error": str(e)}, status=1)
