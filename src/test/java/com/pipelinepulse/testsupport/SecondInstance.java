package com.pipelinepulse.testsupport;

import com.pipelinepulse.PipelinePulseApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a second instance of the application on the test database, as behind a load balancer: {@code test}
 * profile, random server and management ports, the test database's coordinates (the service role for the pool,
 * the owner role for Flyway), plus the given settings (passed
 * as {@code --name=value} arguments). The caller closes the returned context.
 */
public final class SecondInstance {

    private SecondInstance() {
    }

    @SafeVarargs
    public static ConfigurableApplicationContext start(Map<String, String> settings,
            ApplicationContextInitializer<? super ConfigurableApplicationContext>... initializers) {
        TestDatabase.Coordinates db = TestDatabase.coordinates();
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password()));
        args.addAll(db.migrationArguments());
        settings.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(PipelinePulseApplication.class).profiles("test")
                .initializers(initializers)
                .run(args.toArray(String[]::new));
    }
}
