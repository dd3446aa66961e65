// Driven by tests/test_client_spark.py: proves a JVM trusts the local endpoint through a truststore
// made with keytool (the recipe of docs/clients/spark.md). Prints the HTTP status of GET <url>; a
// certificate the JVM does not trust ends it with an SSLHandshakeException (exit code 1).
import java.net.URI;
import javax.net.ssl.HttpsURLConnection;

public class TrustCheck {
    public static void main(String[] args) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) new URI(args[0]).toURL().openConnection();
        System.out.println(connection.getResponseCode());
    }
}
