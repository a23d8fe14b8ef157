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
# Every bound below is multiplied by the suite's one knob for slow runners.
SCALE = float(os.environ.get('TIMEOUT_SCALE', '1'))
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
        self.s.settimeout(5 * SCALE)
        self.buf = b''

    def send(self, line):
        self.s.sendall(line.encode('latin-1') + b'\r\n')

    def lines_until(self, pred, timeout=5):
        """Lines read until one satisfies pred (PINGs are answered)."""
        got = []
        end = time.time() + timeout * SCALE
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
        if user:
            self.send('USER %s 0 * :Some One' % user)
        return self.lines_until(lambda l: ' 376 ' in l or ' 422 ' in l)


def main():
    # A uid with no account: the server cannot name it and refuses.
    c = Client(4242)
    got, _ = c.lines_until(lambda l: l.startswith('ERROR'))
    tap(any('cannot tell which local user' in l for l in got),
        'a client whose uid has no account is refused', got)

    # USER says "root", the socket belongs to nobody: the nick must be
    # "nobody" too, and WHOIS says nobody.
    nobody = Client(65534)
    nobody.send('NICK alice')
    nobody.send('USER root 0 * :Some One')
    got, _ = nobody.lines_until(lambda l: ' 432 ' in l)
    tap(any(l.endswith(' 432 * alice :Your nick is your login name, nobody')
            for l in got),
        'a nick that is not the login name is refused (432)', got)
    got, ok = nobody.register('nobody', user=None)
    tap(ok, 'a client registers under its login name (answering the auth PING)', got)
    nobody.send('WHOIS nobody')
    got, _ = nobody.lines_until(lambda l: ' 318 ' in l)
    w = [l for l in got if ' 311 ' in l]
    tap(len(w) == 1 and w[0].split()[3:6] == ['nobody', 'nobody', 'untochat'],
        "WHOIS shows the kernel's user name (nobody, not the claimed root) and the cloaked host",
        got)
    nobody.send('NICK alice')
    nobody.send('WHOIS nobody')
    got, _ = nobody.lines_until(lambda l: ' 318 ' in l)
    tap(any(' 432 nobody alice ' in l for l in got)
        and any(' 311 nobody nobody ' in l for l in got),
        'a registered user cannot change its nick', got)

    root = Client(0)
    got, ok = root.register('root', user='alice')
    w = [l for l in got if ' 001 ' in l]
    tap(ok and w and w[0].endswith('root!root@untochat'),
        'a second user (root) registers under its own name', got)

    # Messages, ACTION, and CTCP in both forms.
    nobody.send('PRIVMSG root :\x01VERSION\x01')
    nobody.send('PRIVMSG root \x01TIME\x01')
    nobody.send('NOTICE root \x01PING 1\x01')
    nobody.send('PRIVMSG root :\x01ACTION waves\x01')
    nobody.send('PRIVMSG root :hello root')
    got, ok = root.lines_until(lambda l: l.endswith('hello root'))
    tap(ok, 'a private message arrives', got)
    tap(any('\x01ACTION waves\x01' in l for l in got), 'ACTION arrives', got)
    tap(not any(x in l for l in got for x in ('VERSION', 'TIME', 'PING 1')),
        'CTCP VERSION (with colon), TIME and PING (without) are dropped',
        [l.replace('\x01', '^A') for l in got])

    # Channels: members see each other; LIST counts nobody.
    # nobody's JOIN must be done before root's: the first member is op.
    nobody.send('JOIN #c')
    nobody.lines_until(lambda l: ' 366 ' in l)
    root.send('JOIN #c')
    root.lines_until(lambda l: ' 366 ' in l)
    nobody.send('PRIVMSG #c :to the channel')
    got, ok = root.lines_until(lambda l: l.endswith('to the channel'))
    tap(ok, 'a channel message arrives', got)
    # A client that sends fast is slowed down, not dropped: irssius has
    # no flood queue (its patch 0010), so OTR's long lines go out at once.
    # 20 lines of 450 bytes in one write: all arrive, in order, and the
    # sender is still connected after them.
    nobody.s.sendall(b''.join(b'PRIVMSG #c :burst %d %s\r\n' % (i, b'x' * 440)
                              for i in range(10, 30)))
    got, ok = root.lines_until(lambda l: ' :burst 29 ' in l, 60)
    seen = [l.split()[4] for l in got if ' :burst ' in l]
    nobody.send('PING :still-here')
    got2, alive = nobody.lines_until(lambda l: ' PONG ' in l and l.endswith(':still-here'))
    tap(ok and alive and seen == [str(i) for i in range(10, 30)],
        '20 long lines sent at once all arrive in order, and the server keeps their sender',
        seen + got2)
    root.send('LIST')
    got, _ = root.lines_until(lambda l: ' 323 ' in l)
    tap(any(' 322 root #c 0 ' in l for l in got), 'LIST shows 0 members', got)

    # No times: the channel's creation (329), the topic's (333), a ban's
    # (367 names who set it, and nothing after). nobody joined first: op.
    nobody.send('TOPIC #c :a topic')
    nobody.send('MODE #c +b x!*@*')
    nobody.send('MODE #c')
    nobody.send('MODE #c b')
    nobody.send('TOPIC #c')
    nobody.send('PING :end')
    got, _ = nobody.lines_until(lambda l: ' PONG ' in l and l.endswith(':end'), 15)
    codes = [l.split()[1] for l in got if len(l.split()) > 1]
    bans = [l.split()[2:] for l in got if ' 367 ' in l]
    tap('324' in codes and '332' in codes and bans
        and not any(c in codes for c in ('329', '333'))
        and all(b == ['nobody', '#c', 'x!*@*', 'nobody'] for b in bans),
        'MODE, TOPIC and the ban list carry no time (no 329 or 333)', got)

    # ISON tells nobody's presence to root, who shares #c, and to nobody
    # itself; not to daemon, who shares no channel (all are +i). Once
    # daemon is -i, root sees it: the anti-test.
    daemon = Client(1)
    got, ok = daemon.register('daemon')
    daemon.send('ISON nobody root daemon')
    daemon.send('USERHOST nobody root')
    got, _ = daemon.lines_until(lambda l: ' 302 ' in l)
    tap(ok and any(l.endswith(' 303 daemon :daemon') for l in got)
        and any(l.endswith(' 302 daemon :') for l in got),
        'ISON and USERHOST do not list invisible users who share no channel', got)
    root.send('ISON nobody daemon')
    got, _ = root.lines_until(lambda l: ' 303 ' in l)
    daemon.send('MODE daemon -i')
    daemon.lines_until(lambda l: ' MODE daemon ' in l)
    root.send('ISON nobody daemon')
    got2, _ = root.lines_until(lambda l: ' 303 ' in l)
    tap(any(l.endswith(' 303 root :nobody') for l in got)
        and any(l.endswith(' 303 root :nobody daemon') for l in got2),
        'anti-test: ISON lists a user who shares a channel, and one who is not +i',
        got + got2)

    # At most three connections per local user.
    more = [Client(65534) for _ in range(2)]
    for m in more:
        m.send('NICK x%d' % id(m))
    fourth = Client(65534)
    got, _ = fourth.lines_until(lambda l: l.startswith('ERROR'))
    tap(any('too many connections of your user' in l for l in got),
        "a user's fourth connection is refused", got)
    other = Client(2)
    got, ok = other.register('bin')
    tap(ok, "another user still gets in", got)
    return failed


if __name__ == '__main__':
    sys.exit(main())
