import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.SupervisorConfig;

import java.nio.file.Path;
import java.util.Arrays;

/** In-process parse time of one configuration: first parse (cold JVM) and the median of warm runs. */
public class ParseBench {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        ConfigLoader loader = new ConfigLoader(HostEnvironment.current());
        long t0 = System.nanoTime();
        SupervisorConfig first = loader.read(file);
        long cold = System.nanoTime() - t0;
        long[] warm = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            loader.read(file);
            warm[i] = System.nanoTime() - t;
        }
        Arrays.sort(warm);
        System.out.printf("processes=%d cold_ms=%.1f warm_median_ms=%.2f%n",
                first.processes().size(), cold / 1e6, warm[runs / 2] / 1e6);
    }
}
