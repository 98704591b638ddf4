# The benchmark's chart, drawn by gnuplot (Debian's gnuplot-nox):
#   gnuplot -c tests/bench/chart.gp DIR/chart.dat DIR/results.svg
# tests/bench/render.sh writes chart.dat and runs this. Two panels with the
# same x axis: the time to send, and the sender's CPU time, against file
# size, warm page cache; both axes logarithmic (7M to 1G would squeeze the
# small sizes into a corner); a line through each method's medians, a
# whisker from its fastest to its slowest run at each size.
#
# chart.dat: a block a method, blocks apart by two blank lines, in the
# tables' order (a method's colour is its place); each block headed by the
# method's name in quotes, then a line a size: MiB, time median, min, max,
# sender CPU median, min, max (ms).
data = ARG1
out = ARG2

# 12 colours that stay apart, on a screen and on a projector
colors = "#d62728 #ff7f0e #8c564b #1f77b4 #17becf #2ca02c #9467bd #e377c2 #7f7f7f #bcbd22 #393b79 #637939"
color(i) = word(colors, i % words(colors) + 1)

# the extent of the data (stats reads past the headings, one column at a
# time: two would fit a line through them, and warn of too few points)
stats data using 1 nooutput
methods = STATS_blocks
x_min = STATS_min
x_max = STATS_max
stats data using 3 nooutput
t_min = STATS_min
stats data using 4 nooutput
t_max = STATS_max
stats data using 6 nooutput
c_min = STATS_min
stats data using 7 nooutput
c_max = STATS_max

# an axis from a round value below the data to one above, 1, 2 or 5 x 10^k:
# the same ends as the tick marks (a decade can be most of the panel)
decade(v) = 10.0 ** floor(log10(v) + 1e-9)
below(v) = (v / decade(v) >= 5 ? 5 : v / decade(v) >= 2 ? 2 : 1) * decade(v)
above(v) = (v / decade(v) <= 1 + 1e-9 ? 1 : v / decade(v) <= 2 ? 2 : v / decade(v) <= 5 ? 5 : 10) * decade(v)
# the top of an axis whose data all sit at one value: a decade above it
top(lo, hi) = above(hi) > below(lo) ? above(hi) : 10 * below(lo)
# tick marks at 1, 2 and 5 x 10^k from lo to hi, as gnuplot's tic list
ticks(lo, hi) = sprintf("(%s)", ticks_from(below(lo), hi))
ticks_from(t, hi) = t > hi * 1.001 ? "" : sprintf("%g", t) . (next_tick(t) > hi * 1.001 ? "" : ", " . ticks_from(next_tick(t), hi))
next_tick(t) = t / decade(t) < 1.5 ? 2 * decade(t) : t / decade(t) < 3 ? 5 * decade(t) : 10 * decade(t)

# the canvas: the two panels, 420 x 330 pixels each, side by side; below
# them the key, in three columns read downwards
rows = int((methods + 2) / 3)
W = 1060.0
H = 70 + 330 + 70 + rows * 22 + 20.0
set terminal svg size W, H font "sans-serif,13" noenhanced background rgb "white"
set output out

set multiplot title "Sending a file over TCP: warm page cache, median of runs, whiskers min to max" font ",18"
set logscale xy
set grid xtics ytics linecolor rgb "#e3e3e3" linetype 1
set border linecolor rgb "#555555"
set xrange [below(x_min) : top(x_min, x_max)]
eval "set xtics " . ticks(x_min, top(x_min, x_max))
set xlabel "file size (MiB, log scale)"
set tmargin at screen 1 - 70 / H
set bmargin at screen 1 - 400 / H

# a whisker is a vector from the fastest run to the slowest with a flat
# head at each end (yerrorbars would punch a white disc around each median)
whisker = "heads size screen 0.004, 90 linewidth 1.5"

set key at screen 90 / W, 1 - 468 / H left top vertical maxrows rows reverse Left width 4 samplen 2

set title "Time to send" font ",16"
set ylabel "milliseconds (log scale)"
set yrange [below(t_min) : top(t_min, t_max)]
eval "set ytics " . ticks(t_min, top(t_min, t_max))
set lmargin at screen 90 / W
set rmargin at screen 510 / W
plot for [i = 0 : methods - 1] data index i using 1:3:(0):($4 - $3) with vectors \
		@whisker linecolor rgb color(i) notitle, \
	for [i = 0 : methods - 1] data index i using 1:2 with lines \
		linecolor rgb color(i) linewidth 2.5 title columnheader(1)

set title "Sender CPU time"
set ylabel "milliseconds of CPU (log scale)"
set yrange [below(c_min) : top(c_min, c_max)]
eval "set ytics " . ticks(c_min, top(c_min, c_max))
set lmargin at screen 610 / W
set rmargin at screen 1030 / W
unset key
plot for [i = 0 : methods - 1] data index i using 1:6:(0):($7 - $6) with vectors \
		@whisker linecolor rgb color(i) notitle, \
	for [i = 0 : methods - 1] data index i using 1:5 with lines \
		linecolor rgb color(i) linewidth 2.5 notitle
unset multiplot
