"""``python -m greenprocure``: the ``greenprocure`` command."""

from greenprocure.cli.app import main

if __name__ == "__main__":
    main()
