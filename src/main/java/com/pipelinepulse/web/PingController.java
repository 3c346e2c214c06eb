package com.pipelinepulse.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/ping}: anyone, no database, no session. Lets the SPA (or a person with curl) tell "the API is
 * reachable through every proxy and CORS" apart from "my session is over", and is the benchmarks' ceiling: the
 * same connector, filters and MVC dispatch as every other endpoint, with nothing behind it.
 */
@RestController
@Tag(name = "Ping")
class PingController {

    private static final Map<String, String> OK = Map.of("status", "ok");

    @GetMapping("/api/ping")
    @Operation(summary = "Is the API reachable", description = "Always {\"status\":\"ok\"}; touches no data.")
    ResponseEntity<Map<String, String>> ping() {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(OK);
    }
}
