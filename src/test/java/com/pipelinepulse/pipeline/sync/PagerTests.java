package com.pipelinepulse.pipeline.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PagerTests {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void recordsUsePageForTheFirst2000ThenThePageTokenOfTheLastAnswer() {
        SyncRunner.Pager pager = new SyncRunner.Pager(true);
        for (int page = 1; page <= 10; page++) {
            assertThat(query(pager)).containsExactly(Map.entry("page", Integer.toString(page)));
            pager.next(info("token-" + page), 200);
        }
        assertThat(query(pager)).containsExactly(Map.entry("page_token", "token-10"));
        pager.next(info("token-11"), 200);
        assertThat(query(pager)).containsExactly(Map.entry("page_token", "token-11"));
    }

    @Test
    void moreRecordsWithoutATokenPast2000EndsTheRun() {
        SyncRunner.Pager pager = new SyncRunner.Pager(true);
        for (int page = 1; page <= 9; page++) {
            pager.next(info(null), 200);
        }
        assertThatThrownBy(() -> pager.next(info(null), 200)).isInstanceOf(SyncRunner.Failed.class)
                .hasMessageContaining("no next_page_token");
    }

    @Test
    void theDeletedListPagesWithPageThroughout() {
        SyncRunner.Pager pager = new SyncRunner.Pager(false);
        for (int page = 1; page <= 12; page++) {
            assertThat(query(pager)).containsExactly(Map.entry("page", Integer.toString(page)));
            pager.next(info("ignored"), 200);
        }
    }

    private static Map<String, String> query(SyncRunner.Pager pager) {
        Map<String, String> query = new LinkedHashMap<>();
        pager.addTo(query);
        return query;
    }

    private ObjectNode info(String token) {
        ObjectNode info = json.createObjectNode().put("more_records", true);
        if (token != null) {
            info.put("next_page_token", token);
        }
        return info;
    }
}
