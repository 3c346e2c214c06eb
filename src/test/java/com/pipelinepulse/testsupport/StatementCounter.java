package com.pipelinepulse.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Counts what the application sends to PostgreSQL on one thread: every statement executed and every explicit
 * commit, rollback and savepoint, on the pool's physical connections (below HikariCP, so Spring's and Hikari's own
 * calls are seen too). Round trips a statement's driver makes by itself (pgjdbc sends BEGIN with the first
 * statement of a transaction) are not separate calls here; an explicit COMMIT is. Nothing is counted on a thread
 * that did not {@link #start()}.
 */
public final class StatementCounter implements BeanPostProcessor {

    private static final ThreadLocal<Counts> COUNTS = new ThreadLocal<>();
    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");
    private static final Set<String> TRANSACTION_CALLS = Set.of("commit", "rollback", "setSavepoint",
            "releaseSavepoint");

    /** What one thread sent: each statement with whether the connection was in auto-commit mode, and the rest. */
    public static final class Counts {
        private final List<String> statements = new ArrayList<>();
        private final List<Boolean> autoCommit = new ArrayList<>();
        private final List<String> transactionCalls = new ArrayList<>();

        public List<String> statements() {
            return List.copyOf(statements);
        }

        /** For each statement: whether it ran in auto-commit mode (its own transaction, committed by itself). */
        public List<Boolean> autoCommit() {
            return List.copyOf(autoCommit);
        }

        /** Explicit commit, rollback, setSavepoint and releaseSavepoint calls, in order. */
        public List<String> transactionCalls() {
            return List.copyOf(transactionCalls);
        }
    }

    /** Starts counting on this thread. */
    public static void start() {
        COUNTS.set(new Counts());
    }

    /** Stops counting on this thread and returns what was counted since {@link #start()}. */
    public static Counts stop() {
        Counts counts = COUNTS.get();
        COUNTS.remove();
        return counts;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getDataSource() != null
                && !Proxy.isProxyClass(pool.getDataSource().getClass())) {
            pool.setDataSource(proxy(DataSource.class, pool.getDataSource(), null));
        }
        return bean;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Connection connection) {
        InvocationHandler handler = (self, method, args) -> invoke(target, connection, method, args);
        return (T) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object target, Connection connection, Method method, Object[] args)
            throws Throwable {
        Counts counts = COUNTS.get();
        if (counts != null) {
            if (target instanceof Statement && EXECUTIONS.contains(method.getName())) {
                counts.statements.add(args != null && args.length > 0 && args[0] instanceof String sql ? sql
                        : String.valueOf(((Statement) target).toString()));
                counts.autoCommit.add(connection.getAutoCommit());
            } else if (target instanceof Connection && TRANSACTION_CALLS.contains(method.getName())) {
                counts.transactionCalls.add(method.getName());
            }
        }
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (result instanceof Connection c && method.getName().equals("getConnection")) {
            return proxy(Connection.class, c, c);
        }
        if (result instanceof Statement s && target instanceof Connection c && method.getReturnType().isInterface()) {
            return proxy(statementType(method.getReturnType()), s, c);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Class<Statement> statementType(Class<?> returnType) {
        return (Class<Statement>) returnType;
    }
}
