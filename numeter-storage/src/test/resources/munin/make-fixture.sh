#!/bin/sh
# Makes the small munin dbdir that MuninImportTest reads: rrdtool-format files as munin names them, with munin's
# data source name (42) and step, but tiny archives (1 hour of 5-minute rows, 2 hours of 30-minute ones).
# Needs Debian's rrdtool. Values are chosen so that the expected rates are exact (see MuninImportTest).
set -eu
cd "$(dirname "$0")/grp"
t0=1699999200   # a multiple of 300 and of 1800
make() { # file type
  rm -f "$1"
  rrdtool create "$1" --start $t0 --step 300 "DS:42:$2:600:U:U" \
    RRA:AVERAGE:0.5:1:12 RRA:MIN:0.5:1:12 RRA:MAX:0.5:1:12 \
    RRA:AVERAGE:0.5:6:4 RRA:MIN:0.5:6:4 RRA:MAX:0.5:6:4
}
make web1.example.com-load-load-g.rrd GAUGE
make web1.example.com-if_eth0-down-d.rrd DERIVE
make web1.example.com-diskstats_iops-sda-rdio-g.rrd GAUGE
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
  t=$((t0 + i * 300))
  rrdtool update web1.example.com-load-load-g.rrd "$t:$(awk "BEGIN { print $i * 0.5 }")"
  rrdtool update web1.example.com-if_eth0-down-d.rrd "$t:$((3000 * i * i))"
  rrdtool update web1.example.com-diskstats_iops-sda-rdio-g.rrd "$t:$((i + 100))"
done
printf 'not an rrd file\n' > db1-load-load-g.rrd
