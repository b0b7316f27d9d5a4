"""``manage.py wecom_fake``: the fake WeCom server in the foreground, for local demos and for
browser tests that run it as a process. Drive it from the console below or over HTTP
(``POST /fake/push-text {"from": "nurse_li", "content": "..."}`` and the other /fake/ controls)."""

from __future__ import annotations

import shlex
import sys
import threading
from typing import Any, TextIO

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hitsm.wecom.fake import (
    DEFAULT_AES_KEY,
    DEFAULT_AGENT_ID,
    DEFAULT_CORP_ID,
    DEFAULT_SECRET,
    DEFAULT_TOKEN,
    FakeWeCom,
    PushResult,
)

CONSOLE_HELP = """\
  text <userid> <content...>       push a text message from the member
  event <userid> <event> [key]     push an event (click <menu key>, enter_agent, ...)
  oauth <userid>                   sign the fake browser in as the member (OAuth)
  user <userid> [name]             add a member
  expire                           expire every access_token (the next call gets 42001)
  fail <path> <errcode> [times]    the next call(s) to path answer errcode, e.g. message/send 45009
  messages                         the messages the app sent
  verify                           WeCom's URL verification against the callback
  help | quit"""


class Command(BaseCommand):
    help = "Run a fake WeCom (企业微信) server on 127.0.0.1 for local demos."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8790)
        parser.add_argument("--corp-id", default=DEFAULT_CORP_ID)
        parser.add_argument("--secret", default=DEFAULT_SECRET)
        parser.add_argument("--agent-id", type=int, default=DEFAULT_AGENT_ID)
        parser.add_argument("--token", default=DEFAULT_TOKEN)
        parser.add_argument("--aes-key", default=DEFAULT_AES_KEY, help="43 characters")
        parser.add_argument(
            "--callback",
            default="http://127.0.0.1:8000/wecom/callback",
            help="our callback URL, where member messages are pushed",
        )
        parser.add_argument(
            "--user",
            action="append",
            default=[],
            metavar="USERID[:NAME]",
            help="a member of the fake corp (repeatable)",
        )
        parser.add_argument("--oauth-user", help="the member the fake browser login signs in")
        parser.add_argument(
            "--members-from-db",
            action="store_true",
            help="every active user with a WeCom account is a member (for the demo hospital)",
        )
        parser.add_argument(
            "--no-console", action="store_true", help="serve only; drive it over /fake/"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if len(options["aes_key"]) != 43:
            raise CommandError("--aes-key must be 43 characters")
        users: dict[str, str] = {}
        if options["members_from_db"]:
            from hitsm.accounts.models import User

            for member, display in User.objects.filter(
                is_active=True, wecom_userid__isnull=False
            ).values_list("wecom_userid", "display_name"):
                if member:
                    users[member] = display or member
        for spec in options["user"]:
            userid, _, name = spec.partition(":")
            users[userid] = name or userid
        fake = FakeWeCom(
            corp_id=options["corp_id"],
            secret=options["secret"],
            agent_id=options["agent_id"],
            token=options["token"],
            encoding_aes_key=options["aes_key"],
            callback_url=options["callback"],
            users=users,
            port=options["port"],
        )
        if options["oauth_user"]:
            fake.set_browser_user(options["oauth_user"])
        try:
            fake.start()
        except OSError as exc:
            raise CommandError(f"cannot listen on 127.0.0.1:{options['port']}: {exc}") from exc
        self.stdout.write(
            f"Fake WeCom on {fake.base_url} (callback {fake.callback_url}).\n"
            "Point HITSM at it:\n"
            f"  HITSM_WECOM_ENABLED=true HITSM_WECOM_BASE_URL={fake.base_url} "
            f"HITSM_WECOM_OAUTH_BASE_URL={fake.base_url}\n"
            f"  HITSM_WECOM_CORP_ID={fake.corp_id} HITSM_WECOM_AGENT_ID={fake.agent_id} "
            f"HITSM_WECOM_SECRET={fake.secret}\n"
            f"  HITSM_WECOM_TOKEN={fake.token} HITSM_WECOM_AES_KEY={fake.encoding_aes_key}\n"
            f"Members: {', '.join(list(users)[:20]) or '(none: add with `user`)'}"
            + (f" … ({len(users)} in all)" if len(users) > 20 else "")
        )
        try:
            if options["no_console"] or not self._console(fake, sys.stdin):
                threading.Event().wait()  # serve until Ctrl-C
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
            self.stdout.write("Fake WeCom stopped.")

    def _console(self, fake: FakeWeCom, stdin: TextIO) -> bool:
        """Read commands until ``quit`` (True) or end of input (False: keep serving)."""
        self.stdout.write("Type `help` for the console commands.")
        while True:
            self.stdout.write("wecom> ", ending="")
            self.stdout.flush()
            line = stdin.readline()
            if not line:
                return False
            try:
                words = shlex.split(line)
            except ValueError as exc:
                self.stdout.write(f"  {exc}")
                continue
            if words and words[0] in ("quit", "exit"):
                return True
            try:
                self._run(fake, words)
            except (IndexError, ValueError, httpx.HTTPError) as exc:
                self.stdout.write(f"  {exc or 'missing argument'}; type `help`")

    def _run(self, fake: FakeWeCom, words: list[str]) -> None:
        if not words:
            return
        command, rest = words[0], words[1:]
        if command == "text":
            if len(rest) < 2:
                raise ValueError("text needs a userid and the content")
            self._report(fake.push_text(rest[0], " ".join(rest[1:])))
        elif command == "event":
            key = rest[2] if len(rest) > 2 else ""
            self._report(fake.push(fake.event_message(rest[0], rest[1], key)))
        elif command == "oauth":
            fake.set_browser_user(rest[0])
            self.stdout.write(f"  the fake browser is now {rest[0]}")
        elif command == "user":
            fake.add_user(rest[0], rest[1] if len(rest) > 1 else None)
            self.stdout.write(f"  added {rest[0]}")
        elif command == "expire":
            fake.expire_tokens()
            self.stdout.write("  every access_token is expired")
        elif command == "fail":
            fake.fail_next(rest[0], int(rest[1]), int(rest[2]) if len(rest) > 2 else 1)
            self.stdout.write("  armed")
        elif command == "messages":
            for message in fake.messages:
                to = f"chat {message.chatid}" if message.chatid else "|".join(message.touser)
                summary = message.content or message.body.get(message.msgtype)
                self.stdout.write(f"  {message.msgtype} → {to}: {summary}")
        elif command == "verify":
            self.stdout.write(f"  answered: {fake.verify_url()!r}")
        else:
            self.stdout.write(CONSOLE_HELP)

    def _report(self, result: PushResult) -> None:
        for status, error, seconds in zip(
            result.status_codes, result.errors, result.durations, strict=True
        ):
            self.stdout.write(f"  → {status or error} in {seconds:.2f}s")
        if result.reply:
            self.stdout.write(f"  passive reply: {result.reply}")
