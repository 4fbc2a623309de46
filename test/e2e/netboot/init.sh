#!/bin/busybox sh
# /init of the fixture initramfs (busybox-static and a few modules of Debian's kernel): prints the kernel command line,
# fetches the node's seed from the s= URL of ds=nocloud-net, and reports the finished install to bai_seed.done= like the
# autoinstall late-command does. Every line it prints starts with FIXTURE- for the test to read. Then it powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "FIXTURE-CMDLINE: $(cat /proc/cmdline)"
while read -r m; do insmod "/lib/mod/$m" 2>/dev/null; done </lib/mod/order
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }
ip link set lo up
ip link set eth0 up
# shellcheck disable=SC2016 # a script for udhcpc, expanded when it runs
printf '#!/bin/sh\n[ "$1" = bound ] && ip addr add "$ip/${mask:-24}" dev "$interface"\nexit 0\n' >/tmp/dhcp.sh
chmod +x /tmp/dhcp.sh
udhcpc -q -n -t 5 -i eth0 -s /tmp/dhcp.sh >/dev/null 2>&1 || echo "FIXTURE-NO-DHCP"
echo "FIXTURE-MAC: $(cat /sys/class/net/eth0/address)"
ds=$(arg ds)
seed=${ds#*;s=}
echo "FIXTURE-SEED: $seed"
for f in meta-data user-data; do
  # busybox 1.35's wget -T segfaults: timeout instead.
  if timeout 30 wget -q -O "/tmp/$f" "$seed$f"; then
    echo "FIXTURE-FETCHED $f: $(wc -c <"/tmp/$f") bytes, $(grep -m1 -E '^ *(local-)?hostname:' "/tmp/$f" | tr -d ' ')"
  else
    echo "FIXTURE-FETCH-FAILED $f"
  fi
done
done_url=$(arg bai_seed.done)
if [ -n "$done_url" ]; then
  if timeout 30 wget -q -O /tmp/done --post-data= "$done_url"; then echo "FIXTURE-REPORTED: $(cat /tmp/done)"; else echo "FIXTURE-REPORT-FAILED"; fi
fi
echo "FIXTURE-END"
poweroff -f
