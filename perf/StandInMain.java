/**
 * Starts the Zoho stand-in (testsupport.ZohoStandInServer) in a JVM of its own for the benchmarks, run as a
 * single source file: {@code java -cp target/test-classes:<test classpath> perf/StandInMain.java [port [deals]]}.
 */
public class StandInMain {
    public static void main(String[] args) {
        com.pipelinepulse.testsupport.ZohoStandInServer.serveStandalone(args);
    }
}
