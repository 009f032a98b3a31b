"""``python -m generator``: the same as the ``plandocs`` command."""

from generator.cli import main

if __name__ == "__main__":
    main(prog_name="plandocs")
