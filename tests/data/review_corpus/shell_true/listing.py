"""Lists a directory with the shell."""

import subprocess


def listing() -> str:
    return subprocess.run("ls -a", shell=True, capture_output=True, text=True, check=True).stdout
