package dev.floe.compaction;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for {@code floe compact} on a terminal: the plan's bytes, advanced by each bin as
 * it is committed or given up, with the bins done so far.
 */
final class CompactionProgress implements Consumer<GroupResult>, AutoCloseable {
    private static final int DEFAULT_WIDTH = 100;

    private final ProgressBar bar;
    private final int groups;
    private final AtomicInteger done = new AtomicInteger();

    CompactionProgress(RewritePlan plan, PrintWriter out) {
        this.groups = plan.groups().size();
        // the width is given, so the bar never probes the terminal itself
        this.bar = new ProgressBarBuilder()
                .setTaskName("Compacting " + plan.table())
                .setInitialMax(Math.max(1, plan.inputBytes()))
                .setUnit(unit(plan.inputBytes()), scale(plan.inputBytes()))
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new DelegatingProgressBarConsumer(
                        line -> {
                            out.print('\r');
                            out.print(line);
                            out.flush();
                        },
                        width()))
                .build();
        bar.setExtraMessage("0/" + groups + " bins");
    }

    @Override
    public void accept(GroupResult group) {
        bar.stepBy(group.inputBytes());
        bar.setExtraMessage(done.incrementAndGet() + "/" + groups + " bins");
    }

    @Override
    public void close() {
        bar.close();
    }

    private static long scale(long bytes) {
        if (bytes >= 10L << 20) {
            return 1L << 20;
        }
        return bytes >= 10L << 10 ? 1L << 10 : 1;
    }

    private static String unit(long bytes) {
        long scale = scale(bytes);
        return scale == 1L << 20 ? " MB" : scale == 1L << 10 ? " KB" : " B";
    }

    private static int width() {
        String columns = System.getenv("COLUMNS");
        if (columns != null) {
            try {
                return Math.max(40, Integer.parseInt(columns.trim()));
            } catch (NumberFormatException e) {
                return DEFAULT_WIDTH;
            }
        }
        return DEFAULT_WIDTH;
    }
}
