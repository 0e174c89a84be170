"""Builds the one venv every Python mutant of the mutation suite runs on (docs/mutation-suite.md).

Eight mutant peers with a venv each would cost eight venvs of ~17 s and 35 MB. Each mutant's manifest runs
this script instead; `msgpact verify` builds peers in parallel, so the first one builds the venv under a file
lock and the others find it done. It is rebuilt when harness/python/requirements.txt changes.

    python3 shared_venv.py VENV_DIR REQUIREMENTS_TXT
"""
import fcntl
import os
import shutil
import subprocess
import sys


def main(venv: str, requirements: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(venv)), exist_ok=True)
    with open(requirements, "rb") as f:
        wanted = f.read()
    stamp = os.path.join(venv, "requirements.stamp")
    with open(venv + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp, "rb") as f:
                if f.read() == wanted and os.access(os.path.join(venv, "bin", "python"), os.X_OK):
                    return
        except FileNotFoundError:
            pass
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = os.path.join(venv, "bin", "pip")
        subprocess.run([pip, "install", "--quiet", "--disable-pip-version-check", "-r", requirements], check=True)
        with open(stamp, "wb") as f:
            f.write(wanted)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
