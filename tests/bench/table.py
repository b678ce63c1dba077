#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table of "make bench", from the raw results of its VM runs.

    tests/bench/table.py LABEL RAW [LABEL RAW ...]

Each RAW is the raw.txt that tests/bench/run-in-vm wrote: lines
"NAME key=value ...", one per measurement.  Each LABEL RAW pair is one
column (a kernel).  A figure's value is the median of its runs; the
spread in brackets is (largest - smallest) / median.  Prints three
reStructuredText simple tables: the operations, the issue's targets met
or missed, and the ratios that explain the misses.
"""
import statistics
import sys

OPS = [
    ('ping', "PING, the family's no-op (call)"),
    ('ping-list', 'PING of a live list, through its server (call)'),
    ('add', 'ADD call, 1 client'),
    ('cast', 'ADD casts, pipelined, 1 client'),
    ('entries-100', 'GET dump of a 100-entry list'),
    ('clients-1', 'ADD calls, 1 client, own list'),
    ('clients-2', 'ADD calls, 2 clients, aggregate'),
    ('clients-4', 'ADD calls, 4 clients, aggregate'),
    ('new-lists', 'new lists (ADD call starting a server)'),
    ('burst-writes', '10,000 casts to a new list, to synced'),
    ('redis-lpush-1', 'Redis LPUSH, 1 client'),
    ('redis-lpush-p16', 'Redis LPUSH, 1 client, -P 16'),
    ('redis-lrange-100', 'Redis LRANGE_100, 1 client'),
    ('rr-create', 'round robin: lists made (ADD call)'),
    ('rr-access', 'round robin: accesses (PING of a list)'),
]


def parse(path):
    """{name: [{key: value}, ...]} of one raw file."""
    runs = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            words = line.split()
            if len(words) < 2 or '=' not in words[1]:
                continue
            kv = dict(w.split('=', 1) for w in words[1:] if '=' in w)
            runs.setdefault(words[0], []).append(kv)
    return runs


def rate(kv):
    """Operations per second of one measurement, or None."""
    try:
        if 'rps' in kv:
            return float(kv['rps'])
        return float(kv['ops']) / float(kv['secs'])
    except (KeyError, ValueError, ZeroDivisionError):
        return None


def median(values):
    """(median, spread) of the values that are not None, or (None, '')."""
    values = [v for v in values if v is not None]
    if not values:
        return None, ''
    m = statistics.median(values)
    if len(values) < 2 or not m:
        return m, ''
    return m, ' (%d%%)' % round(100 * (max(values) - min(values)) / m)


def figure(runs, name):
    """(ops/s, spread) of an operation, or (None, 'failed' or 'not run')."""
    kvs = runs.get(name, [])
    if not kvs and name.startswith('rr-'):
        kvs = runs.get('rr', [])    # the round robin failed as a whole
    ok = [kv for kv in kvs if 'failed' not in kv]
    if not ok:
        return None, 'failed' if kvs else 'not run'
    return median([rate(kv) for kv in ok])


def value(runs, name, key):
    """(median of KEY over NAME's runs, spread), or (None, '')."""
    vals = []
    for kv in runs.get(name, []):
        try:
            vals.append(float(kv[key]))
        except (KeyError, ValueError):
            pass
    return median(vals)


def fmt(v, digits=0):
    if v is None:
        return '-'
    return '{:,.{}f}'.format(v, digits)


def rst(header, rows):
    """A reStructuredText simple table."""
    widths = [max(len(str(r[i])) for r in [header] + rows)
              for i in range(len(header))]
    rule = '  '.join('=' * w for w in widths)
    out = [rule,
           '  '.join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           rule]
    for r in rows:
        out.append('  '.join(str(c).ljust(w)
                             for c, w in zip(r, widths)).rstrip())
    out.append(rule)
    return '\n'.join(out)


def ops_table(cols):
    header = ['operation']
    for label, _ in cols:
        header += [label + ' ops/s', 'us/op']
    rows = []
    for name, what in OPS:
        row = [what]
        for _, runs in cols:
            r, spread = figure(runs, name)
            if r is None:
                row += [spread or '-', '-']
            else:
                row += [fmt(r) + spread, fmt(1e6 / r, 1)]
        rows.append(row)
    return rst(header, rows)


def ratio(runs, a, b):
    ra, _ = figure(runs, a)
    rb, _ = figure(runs, b)
    if ra is None or rb is None or not rb:
        return None
    return ra / rb


# (what, target text, function of the runs giving the value, test)
TARGETS = [
    ('add call time / ping time', '<= 1.5',
     lambda r: ratio(r, 'ping', 'add'), lambda v: v <= 1.5, 2),
    ('add calls / Redis LPUSH 1 client', '>= 3',
     lambda r: ratio(r, 'add', 'redis-lpush-1'), lambda v: v >= 3, 2),
    ('pipelined casts / Redis LPUSH -P 16', '>= 1.5',
     lambda r: ratio(r, 'cast', 'redis-lpush-p16'), lambda v: v >= 1.5, 2),
    ('entries of 100 / Redis LRANGE_100', '>= 1',
     lambda r: ratio(r, 'entries-100', 'redis-lrange-100'),
     lambda v: v >= 1, 2),
    ('2 clients / 1 client (aggregate)', '>= 1.7',
     lambda r: ratio(r, 'clients-2', 'clients-1'), lambda v: v >= 1.7, 2),
    ('KiB of kernel memory per live list', '<= 32',
     lambda r: value(r, 'mem-per-list', 'kib')[0], lambda v: v <= 32, 1),
    ('file writes for 10,000 casts', '<= 100',
     lambda r: value(r, 'burst-writes', 'writes')[0], lambda v: v <= 100, 0),
    ('new lists per second', '>= 300',
     lambda r: figure(r, 'new-lists')[0], lambda v: v >= 300, 0),
]


# Ratios that are no target but say why some are missed (see
# Documentation/performance.rst, "Profiles"): a call through a list's
# server pays two wake-ups that the no-op ping does not, as does a
# request to Redis, a server process of its own.
CONTEXT = [
    ('list ping time / ping time (the hand-off)',
     lambda r: ratio(r, 'ping', 'ping-list')),
    ('add call time / list ping time',
     lambda r: ratio(r, 'ping-list', 'add')),
    ('Redis LPUSH time / ping time',
     lambda r: ratio(r, 'ping', 'redis-lpush-1')),
]


def context_table(cols):
    header = ['ratio, no target']
    for label, _ in cols:
        header.append(label)
    rows = []
    for what, get in CONTEXT:
        row = [what]
        for _, runs in cols:
            row.append(fmt(get(runs), 2))
        rows.append(row)
    return rst(header, rows)


def targets_table(cols):
    header = ['target', 'goal']
    for label, _ in cols:
        header += [label, 'met']
    rows = []
    for what, goal, get, test, digits in TARGETS:
        row = [what, goal]
        for _, runs in cols:
            v = get(runs)
            row += ['-', '-'] if v is None else \
                [fmt(v, digits), 'met' if test(v) else 'missed']
        rows.append(row)
    return rst(header, rows)


def notes(cols):
    out = []
    for label, runs in cols:
        kernel = runs.get('kernel', [{}])[0].get('release', '?')
        n = max((len(v) for k, v in runs.items() if k != 'kernel'),
                default=0)
        out.append('%s: kernel %s, median of %d runs' % (label, kernel, n))
        kt, _ = value(runs, 'rr-kthreads', 'max')
        servers, _ = value(runs, 'rr-kthreads', 'servers')
        lists, _ = value(runs, 'rr-kthreads', 'lists')
        if servers is not None:
            # The module's count is exact; a /proc scan is no snapshot.
            out.append('%s: round robin over %s lists, at most %s list '
                       'servers counted (a scan of /proc saw %s todo/<n> '
                       'threads)' % (label, fmt(lists), fmt(servers),
                                     fmt(kt)))
        elif kt is not None:
            out.append('%s: round robin over %s lists, at most %s live '
                       'list servers' % (label, fmt(lists), fmt(kt)))
        for name, kvs in sorted(runs.items()):
            for kv in kvs:
                if 'failed' in kv:
                    out.append('%s: %s failed: %s' %
                               (label, name,
                                kv.get('why', '').replace('+', ' ')))
    return '\n'.join(out)


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        sys.stderr.write(__doc__)
        return 2
    cols = [(argv[i], parse(argv[i + 1])) for i in range(1, len(argv), 2)]
    print(ops_table(cols))
    print()
    print(targets_table(cols))
    print()
    print(context_table(cols))
    print()
    print(notes(cols))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
