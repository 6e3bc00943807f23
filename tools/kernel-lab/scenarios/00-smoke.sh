# The VM's kernel has IPVS and ipvsadm talks to it.
set -euo pipefail
ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -Ln
ipvsadm -C
