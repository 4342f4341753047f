"""email_send: send an email to a customer through the company's SMTP relay.

Arguments: {"to": "...", "subject": "...", "body": "..."}. STARTTLS is
negotiated before the message, as the policy requires.
"""
import smtplib
import ssl

from _egress import _context, read_args, reply, tunnel


class TunnelledSMTP(smtplib.SMTP):
    def _get_socket(self, host, port, timeout):
        return tunnel(host, port, "smtp", timeout=timeout)


args = read_args()
try:
    with TunnelledSMTP("smtp.company.com", 587, timeout=10) as smtp:
        smtp.ehlo("agent.sandbox")
        smtp.starttls(context=_context())
        smtp.ehlo("agent.sandbox")
        msg = "From: support@company.com\r\nTo: %s\r\nSubject: %s\r\n\r\n%s\r\n" % (
            args.get("to", ""), args.get("subject", ""), args.get("body", ""))
        smtp.sendmail("support@company.com", [args.get("to", "")], msg.encode())
    reply({"sent": True, "to": args.get("to", "")})
except Exception as e:
    reply({"sent": False, "error": str(e)}, status=1)
