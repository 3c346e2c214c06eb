#!/usr/bin/env bash
# Draws latency percentiles per scenario from a load.sh results.tsv (gnuplot-nox from Debian).
#   perf/chart.sh <results.tsv> <output.png> [title]
set -euo pipefail
results="$1"; png="$2"; title="${3:-Latency percentiles per scenario}"
command -v gnuplot >/dev/null || { echo "gnuplot is missing: apt-get install -y gnuplot-nox" >&2; exit 1; }
mkdir -p "$(dirname "${png}")"
data="$(mktemp)"; trap 'rm -f "${data}"' EXIT
# scenario p50 p90 p99 p99.9 (columns 1,3,4,5,6 of results.tsv), header dropped
awk -F'\t' 'NR > 1 { printf "%s\t%s\t%s\t%s\t%s\n", $1, $3, $4, $5, $6 }' "${results}" >"${data}"
gnuplot <<GP
set terminal pngcairo size 1100,560 font "DejaVu Sans,10" noenhanced
set output "${png}"
set title "${title}"
set datafile separator "\t"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 10
set yrange [0.1:*]
set ylabel "latency, ms (log scale)"
set grid ytics mytics
set key top left
set xtics rotate by -20
plot "${data}" using 2:xtic(1) title "p50", "" using 3 title "p90", "" using 4 title "p99", "" using 5 title "p99.9"
GP
echo "wrote ${png}"
