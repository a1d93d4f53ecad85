#!/usr/bin/env bash
# The poller's footprint beside munin-node and collectd (issue 9): numeter-bench/run.sh footprint [seconds]
#
# Starts, each in its own process and on its own port, under a temporary folder:
#   - munin-node serving 30 of munin's stock plugins (linked from /usr/share/munin/plugins);
#   - the poller as README.md starts it (bin/run-jar numeter.jar poller, so with the launcher's JVM options), with
#     poller.sources=system,munin against that munin-node, at FOOTPRINT_INTERVAL (default 60s, the default);
#   - collectd (Debian collectd-core) collecting cpu, memory, load, interface and df at the same interval.
# Samples every 5 s, for [seconds] (default 600; 120 gives a quick look), each program's resident memory (VmRSS of
# the process; munin-node's is its parent's, its short-lived children are counted in CPU) and, at the end, its CPU
# (utime+stime of the process and of its waited-for children, from /proc/PID/stat), and prints one table.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
interval=${FOOTPRINT_INTERVAL:-60}
for tool in /usr/sbin/munin-node /usr/sbin/collectd; do
  [ -x "$tool" ] || { echo "footprint: $tool is missing (apt-get install munin-node collectd-core)" >&2; exit 2; }
done
jar=numeter-app/target/numeter.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests -Djdeb.skip=true package -pl numeter-app -am
work=$(mktemp -d /tmp/numeter-footprint.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    pkill -TERM -P "$p" 2>/dev/null || true
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# munin-node with its own 30 plugins
mkdir -p "$work/munin/plugins" "$work/munin/plugin-conf.d" "$work/munin/state"
plugins="cpu df df_inode diskstats entropy forks fw_packets if_eth0 if_err_eth0 interrupts irqstats load memory
  munin_stats netstat open_files open_inodes proc_pri processes swap threads uptime users vmstat cpuspeed
  fw_conntrack fw_forwarded_local http_loadtime ntp_offset postfix_mailqueue"
for p in $plugins; do
  src=/usr/share/munin/plugins/$p
  case "$p" in if_eth0) src=/usr/share/munin/plugins/if_ ;; if_err_eth0) src=/usr/share/munin/plugins/if_err_ ;; esac
  [ -e "$src" ] && ln -s "$src" "$work/munin/plugins/$p"
done
munin_port=$(free_port)
cat > "$work/munin/munin-node.conf" <<CONF
log_level 4
log_file $work/munin/munin-node.log
pid_file $work/munin/munin-node.pid
background 0
setsid 0
user root
group root
default_plugin_user root
default_plugin_group root
allow ^127\.0\.0\.1$
host 127.0.0.1
port $munin_port
CONF
perl -e 'use Munin::Common::Defaults; $Munin::Common::Defaults::MUNIN_CONFDIR = shift;
  $Munin::Common::Defaults::MUNIN_PLUGSTATE = shift; do "/usr/sbin/munin-node"; die $@ if $@; exit main::main();' \
  "$work/munin" "$work/munin/state" --config "$work/munin/munin-node.conf" >"$work/munin/out" 2>&1 &
munin_pid=$!; pids+=("$munin_pid")

# collectd: cpu, memory, load, interface, df
mkdir -p "$work/collectd"
cat > "$work/collectd/collectd.conf" <<CONF
Interval $interval
BaseDir "$work/collectd"
PIDFile "$work/collectd/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin cpu
LoadPlugin memory
LoadPlugin load
LoadPlugin interface
LoadPlugin df
LoadPlugin csv
<Plugin csv>
  DataDir "$work/collectd/csv"
</Plugin>
CONF
/usr/sbin/collectd -f -C "$work/collectd/collectd.conf" >"$work/collectd/out" 2>&1 &
collectd_pid=$!; pids+=("$collectd_pid")

# the poller, as README.md starts it
poller_port=$(free_port)
bin/run-jar "$jar" poller --set data-dir="$work/poller" --set poller.host=footprint \
  --set poller.sources=system,munin --set poller.munin.nodes=127.0.0.1:$munin_port \
  --set poller.interval=${interval}s --set poller.port=$poller_port >"$work/poller.out" 2>&1 &
poller_pid=$!; pids+=("$poller_pid")

for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$poller_port/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }
declare -A max last start
for n in poller munin collectd; do max[$n]=0; done
pid_of() { case "$1" in poller) echo "$poller_pid" ;; munin) echo "$munin_pid" ;; collectd) echo "$collectd_pid" ;; esac; }
for n in poller munin collectd; do start[$n]=$(cpu_ticks "$(pid_of $n)"); done
began=$(date +%s)
while [ $(( $(date +%s) - began )) -lt "$seconds" ]; do
  for n in poller munin collectd; do
    r=$(rss "$(pid_of $n)"); last[$n]=$r
    [ "$r" -gt "${max[$n]}" ] && max[$n]=$r
  done
  sleep 5
done
elapsed=$(( $(date +%s) - began ))
hz=$(getconf CLK_TCK)
cycles=$(( elapsed / interval ))
echo "footprint: $elapsed s at a ${interval} s interval ($cycles cycles), $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "munin-node plugins: $(ls "$work/munin/plugins" | wc -l); poller: $(curl -fs "http://127.0.0.1:$poller_port/poller/v1/status" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(s["samples"] for s in d["sources"]), "values; not ok:", [p["plugin"] for p in d["plugins"] if p["state"]!="OK"])' 2>/dev/null || echo '?')"
echo
echo "| program | RSS max (MB) | RSS last (MB) | CPU (s) | CPU per cycle (ms) |"
echo "|---|---|---|---|---|"
for n in poller munin collectd; do
  used=$(( $(cpu_ticks "$(pid_of $n)") - ${start[$n]} ))
  label=$n; [ "$n" = munin ] && label=munin-node; [ "$n" = poller ] && label="numeter poller (system,munin)"
  awk -v l="$label" -v m="${max[$n]}" -v s="${last[$n]}" -v u="$used" -v hz="$hz" -v c="$cycles" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.2f | %.0f |\n", l, m/1024, s/1024, u/hz, (c > 0 ? u/hz*1000/c : 0) }'
done
