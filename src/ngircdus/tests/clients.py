# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks of ngircdus with real clients over loopback, run as root in a
private network namespace by src/ngircdus/run-tests. Each client runs
under the uid it is given (setresuid in a child), so the server sees
sockets owned by different local users. Prints TAP lines."""
import os
import socket
import sys
import time

PORT = 6667
failed = 0


def tap(ok, what, detail=''):
    global failed
    print('%s - ngircdus: %s' % ('ok' if ok else 'not ok', what))
    if not ok:
        failed = 1
        for line in str(detail).splitlines()[-15:]:
            print('#   ' + line)


class Client:
    """An IRC connection whose socket is created by UID."""

    def __init__(self, uid):
        a, b = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                a.close()
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                s = socket.create_connection(('127.0.0.1', PORT))
                socket.send_fds(b, [b'x'], [s.fileno()])
            finally:
                os._exit(0)
        b.close()
        _, fds, _, _ = socket.recv_fds(a, 1, 1)
        os.waitpid(pid, 0)
        a.close()
        self.s = socket.socket(fileno=fds[0])
        self.s.settimeout(5)
        self.buf = b''

    def send(self, line):
        self.s.sendall(line.encode('latin-1') + b'\r\n')

    def lines_until(self, pred, timeout=5):
        """Lines read until one satisfies pred (PINGs are answered)."""
        got = []
        end = time.time() + timeout
        while time.time() < end:
            while b'\r\n' in self.buf:
                raw, self.buf = self.buf.split(b'\r\n', 1)
                line = raw.decode('latin-1')
                if line.startswith('PING '):
                    self.send('PONG ' + line[5:])
                    continue
                got.append(line)
                if pred(line):
                    return got, True
            try:
                data = self.s.recv(4096)
            except socket.timeout:
                break
            if not data:
                break
            self.buf += data
        return got, False

    def register(self, nick, user='liar'):
        self.send('NICK ' + nick)
        self.send('USER %s 0 * :Some One' % user)
        return self.lines_until(lambda l: ' 376 ' in l or ' 422 ' in l)


def main():
    # A uid with no account: the server cannot name it and refuses.
    c = Client(4242)
    got, _ = c.lines_until(lambda l: l.startswith('ERROR'))
    tap(any('cannot tell which local user' in l for l in got),
        'a client whose uid has no account is refused', got)

    # USER says "root", the socket belongs to nobody: WHOIS says nobody.
    alice = Client(65534)
    got, ok = alice.register('alice', user='root')
    tap(ok, 'a client registers (answering the auth PING)', got)
    alice.send('WHOIS alice')
    got, _ = alice.lines_until(lambda l: ' 318 ' in l)
    w = [l for l in got if ' 311 ' in l]
    tap(len(w) == 1 and w[0].split()[3:6] == ['alice', 'nobody', 'untochat'],
        "WHOIS shows the kernel's user name (nobody, not the claimed root) and the cloaked host",
        got)

    bob = Client(0)
    got, ok = bob.register('bob', user='alice')
    w = [l for l in got if ' 001 ' in l]
    tap(ok and w and w[0].endswith('bob!root@untochat'),
        'a second user (root) registers under its own name', got)

    # Messages, ACTION, and CTCP in both forms.
    alice.send('PRIVMSG bob :\x01VERSION\x01')
    alice.send('PRIVMSG bob \x01TIME\x01')
    alice.send('NOTICE bob \x01PING 1\x01')
    alice.send('PRIVMSG bob :\x01ACTION waves\x01')
    alice.send('PRIVMSG bob :hello bob')
    got, ok = bob.lines_until(lambda l: l.endswith('hello bob'))
    tap(ok, 'a private message arrives', got)
    tap(any('\x01ACTION waves\x01' in l for l in got), 'ACTION arrives', got)
    tap(not any(x in l for l in got for x in ('VERSION', 'TIME', 'PING 1')),
        'CTCP VERSION (with colon), TIME and PING (without) are dropped',
        [l.replace('\x01', '^A') for l in got])

    # Channels: members see each other; LIST counts nobody.
    alice.send('JOIN #c')
    bob.send('JOIN #c')
    bob.lines_until(lambda l: ' 366 ' in l)
    alice.send('PRIVMSG #c :to the channel')
    got, ok = bob.lines_until(lambda l: l.endswith('to the channel'))
    tap(ok, 'a channel message arrives', got)
    bob.send('LIST')
    got, _ = bob.lines_until(lambda l: ' 323 ' in l)
    tap(any(' 322 bob #c 0 ' in l for l in got), 'LIST shows 0 members', got)

    # At most three connections per local user.
    more = [Client(65534) for _ in range(2)]
    for m in more:
        m.send('NICK x%d' % id(m))
    fourth = Client(65534)
    got, _ = fourth.lines_until(lambda l: l.startswith('ERROR'))
    tap(any('too many connections of your user' in l for l in got),
        "a user's fourth connection is refused", got)
    other = Client(0)
    got, ok = other.register('bob2')
    tap(ok, "another user still gets in", got)
    return failed


if __name__ == '__main__':
    sys.exit(main())
