#!/usr/bin/env bash
# The command-line tools the CI jobs need beyond Node.js, pinned and checksum-verified:
#   govc (preflight reads vCenter with it) and terraform (cdktf diff/deploy run it).
#
#   examples/ci/install-tools.sh <bin-dir>
#
# A tool already on PATH is used as it is (an image or runner that has them installs nothing:
# the way to run offline). Downloads go to <bin-dir>, which is printed on stdout, e.g.
#   GitHub:  examples/ci/install-tools.sh "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
#   GitLab:  export PATH="$(examples/ci/install-tools.sh "$CI_PROJECT_DIR/.tools/bin"):$PATH"
# Needs curl, tar, sha256sum, and unzip or python3 (for terraform's zip).
set -euo pipefail

GOVC_VERSION="${GOVC_VERSION:-v0.46.3}"
TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.8.5}"
bin="${1:?usage: install-tools.sh <bin-dir>}"
mkdir -p "$bin"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

case "$(uname -m)" in
  x86_64 | amd64) govc_arch=x86_64 tf_arch=amd64 ;;
  aarch64 | arm64) govc_arch=arm64 tf_arch=arm64 ;;
  *) echo "install-tools: no release for $(uname -m); put govc and terraform on PATH" >&2 && exit 1 ;;
esac

if command -v govc >/dev/null 2>&1; then
  echo "install-tools: govc on PATH: $(command -v govc)" >&2
elif [ -x "$bin/govc" ]; then
  echo "install-tools: govc in $bin" >&2
else
  echo "install-tools: govc $GOVC_VERSION" >&2
  base="https://github.com/vmware/govmomi/releases/download/$GOVC_VERSION"
  file="govc_Linux_${govc_arch}.tar.gz"
  curl -fsSL -o "$tmp/$file" "$base/$file"
  curl -fsSL -o "$tmp/checksums.txt" "$base/checksums.txt"
  (cd "$tmp" && grep " $file\$" checksums.txt | sha256sum -c --quiet -)
  tar -xzf "$tmp/$file" -C "$bin" govc
fi

if command -v terraform >/dev/null 2>&1; then
  echo "install-tools: terraform on PATH: $(command -v terraform)" >&2
elif [ -x "$bin/terraform" ]; then
  echo "install-tools: terraform in $bin" >&2
else
  echo "install-tools: terraform $TERRAFORM_VERSION" >&2
  base="https://releases.hashicorp.com/terraform/$TERRAFORM_VERSION"
  file="terraform_${TERRAFORM_VERSION}_linux_${tf_arch}.zip"
  curl -fsSL -o "$tmp/$file" "$base/$file"
  curl -fsSL -o "$tmp/sums" "$base/terraform_${TERRAFORM_VERSION}_SHA256SUMS"
  (cd "$tmp" && grep " $file\$" sums | sha256sum -c --quiet -)
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$tmp/$file" terraform -d "$bin"
  else
    python3 -m zipfile -e "$tmp/$file" "$tmp/tf" && mv "$tmp/tf/terraform" "$bin/terraform"
  fi
  chmod +x "$bin/terraform"
fi

echo "$bin"
