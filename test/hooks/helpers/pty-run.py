"""Runs a command on a pseudo-terminal, answers one prompt, prints everything the terminal showed.

Usage: python3 pty-run.py <prompt substring> <answer> <command> [args...]
Exit status: the command's. Used by the hook tests to answer "Apply N migrations now?" as a user would.
"""
import os
import pty
import select
import sys
import time

prompt, answer, command = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

output = b''
answered = False
deadline = time.time() + 180
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        output += data
        if not answered and prompt in output:
            time.sleep(0.2)
            os.write(fd, answer)
            answered = True
else:
    os.kill(pid, 9)

_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(output)
sys.exit(os.waitstatus_to_exitcode(status))
