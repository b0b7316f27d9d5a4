#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.env import ImproperlyConfiguredEnv

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ImproperlyConfiguredEnv as exc:
        sys.stderr.write(f"HITSM configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
