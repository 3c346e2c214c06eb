package com.pipelinepulse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * ASVS 13.4.1: no source control metadata (nor sources) is deployed. The runtime image takes only the extracted
 * layers of the built jar from the build stage, and the build context never holds {@code .git/}.
 */
class ImageContentsTests {

    private static final List<String> JAR_LAYERS = List.of("dependencies", "spring-boot-loader",
            "snapshot-dependencies", "application");

    @org.junit.jupiter.api.Test
    void theRuntimeStageCopiesOnlyTheJarLayersAndTheBuildContextLeavesGitOut() throws IOException {
        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile")).stream().map(String::strip).toList();
        int runtimeStage = dockerfile.lastIndexOf(dockerfile.stream().filter(l -> l.startsWith("FROM ")).reduce(
                (first, second) -> second).orElseThrow());
        List<String> runtimeCopies = dockerfile.subList(runtimeStage, dockerfile.size()).stream()
                .filter(l -> l.startsWith("COPY ") || l.startsWith("ADD ")).toList();
        assertThat(runtimeCopies).containsExactlyElementsOf(JAR_LAYERS.stream()
                .map(layer -> "COPY --from=build /workspace/target/extracted/" + layer + "/ ./").toList());

        // The build stage copies named parts of the repository, never the whole context.
        List<String> buildCopies = dockerfile.subList(0, runtimeStage).stream()
                .filter(l -> l.startsWith("COPY ") || l.startsWith("ADD ")).toList();
        assertThat(buildCopies).containsExactly("COPY mvnw pom.xml ./", "COPY .mvn .mvn", "COPY src src");

        assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains(".git/");
    }
}
