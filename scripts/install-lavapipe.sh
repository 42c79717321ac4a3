#!/usr/bin/env bash
# Installs Mesa's lavapipe (a Vulkan driver that runs on the CPU) from Debian bookworm-backports,
# so that the `webgpu` npm package (Dawn) finds a Vulkan adapter on machines without a GPU (CI).
# bookworm's own mesa-vulkan-drivers 22.x is too old for Dawn; bookworm-backports' 25.x works.
#
# Idempotent and non-interactive; run as root:  sudo scripts/install-lavapipe.sh
# Afterwards `node -e "import('webgpu').then(async ({create}) => console.log(await (await create([]).requestAdapter()).info))"`
# should print an adapter whose description mentions llvmpipe.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-lavapipe: must run as root (apt-get install)" >&2
  exit 1
fi
if [ ! -r /etc/os-release ] || ! grep -q '^VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "install-lavapipe: written for Debian bookworm; found: $(grep -s '^PRETTY_NAME=' /etc/os-release || echo unknown)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
LINE='deb http://deb.debian.org/debian bookworm-backports main'
LIST=/etc/apt/sources.list.d/bookworm-backports.list

# Already configured anywhere (one-line .list files or deb822 .sources files)?
if ! grep -rqsE '(^deb .*[[:space:]]bookworm-backports([[:space:]]|$))|(^Suites:.*bookworm-backports)' \
     /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
  echo "install-lavapipe: adding '$LINE' to $LIST"
  echo "$LINE" >> "$LIST"
fi

apt-get update -q
apt-get install -y -q --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1

# Report what is installed (the driver version must be >= 25 for Dawn).
dpkg-query -W -f='${Package} ${Version}\n' mesa-vulkan-drivers libvulkan1
ls /usr/share/vulkan/icd.d/ 2>/dev/null | grep -i lvp || {
  echo "install-lavapipe: lavapipe ICD (lvp_icd*.json) not found under /usr/share/vulkan/icd.d" >&2
  exit 1
}
