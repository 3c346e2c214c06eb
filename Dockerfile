# syntax=docker/dockerfile:1
# Build with the Maven wrapper, run on a JRE as a non-root user, from Spring Boot's layered jar.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -DskipTests package \
 && java -Djarmode=tools -jar target/pipeline-pulse-api-*.jar extract --layers --launcher --destination target/extracted

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /workspace/target/extracted/dependencies/ ./
COPY --from=build /workspace/target/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/target/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/target/extracted/application/ ./
USER 10001
EXPOSE 8080 8081
# JVM settings: docs/deployment.md, "JVM settings" (why each value; measured on the shipped jar).
ENV MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-Xms128m -Xmx128m -Xmn32m -XX:+UseSerialGC -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -XX:-TieredCompilation -XX:MaxDirectMemorySize=32m -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=30000 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${MANAGEMENT_SERVER_PORT:-8081}/actuator/health/liveness" || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
