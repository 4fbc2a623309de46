#!/bin/sh
# Installed in the e2e guest as /usr/local/libexec/bai-e2e-fallback-poweroff.
# A broken seed never reaches its own power-off: instead of letting the harness wait for its timeout, power the guest off
# once cloud-init is over and systemd has had no job (and bai-seed.service, which does not hold boot up, has not been
# running) for GRACE seconds, and leave a mark so the harness knows the guest did not power itself off. GRACE comes
# from the kernel command line (bai_e2e.grace=N, 0 disables).
grace=$(sed -n 's/.*bai_e2e\.grace=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
grace=${grace:-90}
[ "$grace" -eq 0 ] && exit 0

cloud-init status --wait >/dev/null 2>&1
idle=0
while [ "$idle" -lt "$grace" ]; do
  sleep 5
  if [ -z "$(systemctl list-jobs --no-legend 2>/dev/null)" ] && ! systemctl is-active --quiet bai-seed.service; then
    idle=$((idle + 5))
  else
    idle=0
  fi
done

status=$(cloud-init status 2>/dev/null | tr '\n' ' ')
mkdir -p /var/lib/bai-e2e
line="$(date -u +%Y-%m-%dT%H:%M:%SZ) fallback poweroff after ${grace}s idle; cloud-init ${status}"
echo "$line" >>/var/lib/bai-e2e/fallback.log
echo "bai-e2e: $line"
systemctl poweroff
