package com.pipelinepulse.identity;

import java.util.UUID;

/**
 * A user may now do less than before: their role was lowered, their account disabled, or (a viewer) they were moved
 * to another region, so the region their tokens carry is no longer theirs. Published inside the
 * transaction that made the change, so that listeners (the session module ends every session of the user) commit
 * or roll back together with it: a demoted admin's tokens stop working as soon as the demotion is visible.
 *
 * @param userId  whose access was reduced
 * @param actorId the admin who made the change (null: the system)
 * @param reason  {@value #ROLE_LOWERED}, {@value #DISABLED} or {@value #REGION_CHANGED}
 */
public record UserAccessReduced(UUID userId, UUID actorId, String reason) {

    public static final String ROLE_LOWERED = "role_lowered";
    public static final String DISABLED = "user_disabled";
    public static final String REGION_CHANGED = "region_changed";
}
