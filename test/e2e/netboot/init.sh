#!/bin/busybox sh
# /init of the fixture initramfs (busybox-static and a few modules of Debian's kernel): prints the kernel command line,
# then either (ds=nocloud-net) fetches the node's seed from the s= URL and reports the finished install to
# bai_seed.done= like the autoinstall late-command does, or (ds=nocloud;s=/cdrom/...) mounts the installer medium at
# /cdrom, runs the seed's node-selection early-command and shows the node it chose. Every line it prints starts with
# FIXTURE- for the test to read. Then it powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# The console is the screen (an installer command line has no console=): print to the serial port the test reads.
exec >/dev/ttyS0 2>&1
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
case "$seed" in
  /cdrom/*)
    for dev in /dev/sr0 /dev/vda /dev/sda; do
      [ -b "$dev" ] && mount -t iso9660 -o ro "$dev" /cdrom 2>/dev/null && echo "FIXTURE-MOUNTED: $dev" && break
    done
    if BAI_SEED_AUTOINSTALL=/tmp/autoinstall.yaml sh "$seed/select-node.sh"; then
      echo "FIXTURE-SELECTED: $(grep -m1 -E '^ *hostname:' /tmp/autoinstall.yaml | tr -d ' ')"
    else
      echo "FIXTURE-REFUSED: exit $?"
    fi
    echo "FIXTURE-END"
    poweroff -f
    ;;
esac
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
