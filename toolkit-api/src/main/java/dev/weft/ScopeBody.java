package dev.weft;

/**
 * The body of {@link ScopeBuilder#call(ScopeBody)}: forks into the scope and returns a result.
 *
 * <pre>{@code
 * Report r = Weft.scope("report").call(scope -> {
 *     Subtask<Sales> sales = scope.fork(() -> sales());
 *     scope.join();
 *     return new Report(sales.get());
 * });
 * }</pre>
 */
@FunctionalInterface
public interface ScopeBody<R> {
    R run(Scope scope) throws Exception;
}
