package io.rela.testinfra;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests one shared, real API server per test JVM: it starts on first
 * use and stops when the JVM's tests are done. Test methods and constructors may take a
 * {@link KubeApiServer} parameter.
 */
public final class KubeApiServerExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KubeApiServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    server(context);
  }

  public static KubeApiServer server(ExtensionContext context) {
    return context.getRoot().getStore(NS)
        .getOrComputeIfAbsent("server", k -> new Holder(KubeApiServer.start()), Holder.class).server;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == KubeApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return server(e);
  }

  /** Closes the server when JUnit closes the root store. */
  private record Holder(KubeApiServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      server.close();
    }
  }
}
