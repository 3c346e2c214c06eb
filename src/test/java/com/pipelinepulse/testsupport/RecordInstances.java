package com.pipelinepulse.testsupport;

import java.lang.reflect.Constructor;
import java.util.Arrays;

/** Builds instances of nested records that are private to their owner, for tests of their {@code toString()}. */
public final class RecordInstances {

    private RecordInstances() {
    }

    /** A new instance of {@code owner}'s nested record {@code simpleName}, by its canonical constructor. */
    public static Object of(Class<?> owner, String simpleName, Object... components) throws ReflectiveOperationException {
        Class<?> type = Arrays.stream(owner.getDeclaredClasses()).filter(c -> c.getSimpleName().equals(simpleName))
                .filter(Class::isRecord).findFirst()
                .orElseThrow(() -> new ClassNotFoundException(owner.getName() + "$" + simpleName));
        Class<?>[] parameterTypes = Arrays.stream(type.getRecordComponents()).map(c -> c.getType())
                .toArray(Class<?>[]::new);
        Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
        constructor.setAccessible(true);
        return constructor.newInstance(components);
    }
}
