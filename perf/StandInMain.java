/**
 * Starts the Zoho stand-in (testsupport.ZohoStandInServer) in a JVM of its own for the benchmarks, run as a
 * single source file: {@code java -cp target/test-classes:<test classpath> perf/StandInMain.java [port [deals
 * [keystore password]]]} (with a PKCS12 keystore and its password: https only, as perf/common.sh starts it).
 */
public class StandInMain {
    public static void main(String[] args) {
        com.pipelinepulse.testsupport.ZohoStandInServer.serveStandalone(args);
    }
}
