# Shared by Scripts/course and Scripts/test: makes sure the system libraries the package links
# against (and the tools the course calls) are installed, before anything is built.
# Installs them when run as root; otherwise prints the exact line to run and stops.

# Debian packages: OpenBLAS (GEMM), libpng (PNG I/O), cairo (figures), FFTW (large-kernel blur and
# Wiener deconvolution), pkg-config (SwiftPM finds the libraries through it), pandoc (slides).
DEBIAN_PACKAGES="libopenblas-dev libpng-dev libcairo2-dev libfftw3-dev pkg-config fonts-dejavu-core pandoc"

ensure_debian_packages() {
    local missing=()
    for p in $DEBIAN_PACKAGES "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "Installing missing system packages: ${missing[*]}" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
            || { echo "error: apt-get could not install: ${missing[*]}" >&2; exit 1; }
    else
        echo "error: missing system packages. Run:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
