package com.pipelinepulse.pipeline;

import java.time.LocalDate;

/**
 * The filters of every pipeline read route (PIPELINE.md "Routes"), validated. Null means "not filtered".
 *
 * @param region      a region id, upper case
 * @param ownerId     Zoho user id of the deal owner
 * @param stage       Zoho stage, matched case-insensitively
 * @param status      {@code open}, {@code won} or {@code lost}
 * @param health      health at read time
 * @param closingFrom first closing date included
 * @param closingTo   last closing date included
 * @param text        contained in the deal or account name, case-insensitively
 */
record DealFilters(String region, String ownerId, String stage, String status, Health health,
        LocalDate closingFrom, LocalDate closingTo, String text) {

    static final DealFilters NONE = new DealFilters(null, null, null, null, null, null, null, null);

    DealFilters withStatus(String newStatus) {
        return new DealFilters(region, ownerId, stage, newStatus, health, closingFrom, closingTo, text);
    }
}
