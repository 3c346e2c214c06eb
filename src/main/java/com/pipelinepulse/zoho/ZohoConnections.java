package com.pipelinepulse.zoho;

import java.util.Optional;
import java.util.UUID;

/** Reads users' Zoho connections (one per user). Never returns tokens. */
public interface ZohoConnections {

    Optional<ZohoConnection> findByUser(UUID userId);

    Optional<ZohoConnection> find(UUID connectionId);
}
