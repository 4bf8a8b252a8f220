package org.slapos.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the SlapOS configuration file the way the {@code slapos} command does, plus a framework
 * property for the OSGi runtime and tests.
 *
 * <p>Order, first non-empty wins:
 * <ol>
 * <li>the {@code --cfg} command-line value;</li>
 * <li>the framework or system property value passed by the caller (property
 * {@value #NODE_PROPERTY} for {@link Kind#NODE}, {@value #CLIENT_PROPERTY} for
 * {@link Kind#CLIENT});</li>
 * <li>the environment variable {@code SLAPOS_CONFIGURATION} (node) or
 * {@code SLAPOS_CLIENT_CONFIGURATION} (client);</li>
 * <li>{@code /etc/opt/slapos/slapos.cfg} (node) or {@code ~/.slapos/slapos-client.cfg} (client).</li>
 * </ol>
 * A leading {@code ~} is expanded in every case. Empty values count as unset (Python treats an
 * empty {@code --cfg} that way; an empty environment variable would make Python look for a file
 * named {@code ""}, which is never what is meant).
 *
 * <p>The environment and the home directory are inputs, so tests need no real environment. This
 * class never reads system properties itself: the caller passes the property value it wants to
 * honour (a framework property from a {@code BundleContext}, or a system property in a
 * {@code main()}).
 */
public final class ConfigLocator {

    /** Framework/system property naming the node configuration file. */
    public static final String NODE_PROPERTY = "slapos.configuration";

    /** Framework/system property naming the client configuration file. */
    public static final String CLIENT_PROPERTY = "slapos.client.configuration";

    /** Which configuration file a command uses. */
    public enum Kind {
        /** {@code slapos.cfg}: node commands, {@code proxy}, {@code cachelookup}, {@code configure local}. */
        NODE("SLAPOS_CONFIGURATION", NODE_PROPERTY, "/etc/opt/slapos/slapos.cfg"),
        /** {@code slapos-client.cfg}: client commands ({@code request}, {@code supply}...). */
        CLIENT("SLAPOS_CLIENT_CONFIGURATION", CLIENT_PROPERTY, "~/.slapos/slapos-client.cfg");

        private final String environmentVariable;
        private final String propertyName;
        private final String defaultLocation;

        Kind(String environmentVariable, String propertyName, String defaultLocation) {
            this.environmentVariable = environmentVariable;
            this.propertyName = propertyName;
            this.defaultLocation = defaultLocation;
        }

        /** @return the environment variable that overrides the default location */
        public String environmentVariable() {
            return environmentVariable;
        }

        /** @return the framework/system property name that callers should read for this kind */
        public String propertyName() {
            return propertyName;
        }

        /** @return the default location, before {@code ~} expansion */
        public String defaultLocation() {
            return defaultLocation;
        }
    }

    private final Map<String, String> environment;
    private final Path home;

    /**
     * @param environment the process environment (for example {@code System.getenv()})
     * @param home the home directory used to expand {@code ~}
     */
    public ConfigLocator(Map<String, String> environment, Path home) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.home = Objects.requireNonNull(home, "home");
    }

    /**
     * A locator for the running process: {@code System.getenv()} and {@code $HOME}, else the
     * {@code user.home} system property (as Python's {@code os.path.expanduser}).
     *
     * @return the locator
     */
    public static ConfigLocator ofProcess() {
        Map<String, String> env = System.getenv();
        String homeValue = env.get("HOME");
        if (homeValue == null || homeValue.isEmpty()) {
            homeValue = System.getProperty("user.home");
        }
        return new ConfigLocator(env, Path.of(homeValue));
    }

    /** @return the home directory used for {@code ~} */
    public Path home() {
        return home;
    }

    /**
     * @param kind node or client configuration
     * @param cfgOption the {@code --cfg} value, or null
     * @return the configuration file path, {@code ~}-expanded (it may not exist)
     */
    public Path locate(Kind kind, String cfgOption) {
        return locate(kind, cfgOption, null);
    }

    /**
     * @param kind node or client configuration
     * @param cfgOption the {@code --cfg} value, or null
     * @param propertyValue the value of the property {@link Kind#propertyName()}, or null
     * @return the configuration file path, {@code ~}-expanded (it may not exist)
     */
    public Path locate(Kind kind, String cfgOption, String propertyValue) {
        return Path.of(expandUser(choose(kind, cfgOption, propertyValue), home));
    }

    /**
     * Locates and parses the configuration file.
     *
     * @param kind node or client configuration
     * @param cfgOption the {@code --cfg} value, or null
     * @param propertyValue the value of the property {@link Kind#propertyName()}, or null
     * @return the parsed file
     * @throws ConfigException "Configuration file does not exist: PATH", "Cannot parse
     *             configuration file: PATH..."
     */
    public SlaposConfig load(Kind kind, String cfgOption, String propertyValue) {
        return SlaposConfig.parse(locate(kind, cfgOption, propertyValue));
    }

    private String choose(Kind kind, String cfgOption, String propertyValue) {
        Objects.requireNonNull(kind, "kind");
        if (isSet(cfgOption)) {
            return cfgOption;
        }
        if (isSet(propertyValue)) {
            return propertyValue;
        }
        String env = environment.get(kind.environmentVariable());
        if (isSet(env)) {
            return env;
        }
        return kind.defaultLocation();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isEmpty();
    }

    /**
     * Python's {@code os.path.expanduser} for the current user: {@code ~} and {@code ~/rest} are
     * expanded against {@code home}; anything else, including {@code ~otheruser/...} (which would
     * need the password database), is returned unchanged.
     *
     * @param path a path string
     * @param home the home directory
     * @return the expanded path string
     */
    public static String expandUser(String path, Path home) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(home, "home");
        if (!path.startsWith("~")) {
            return path;
        }
        int slash = path.indexOf('/', 1);
        int end = slash < 0 ? path.length() : slash;
        if (end != 1) {
            return path;
        }
        String userHome = home.toString();
        int trim = userHome.length();
        while (trim > 0 && userHome.charAt(trim - 1) == '/') {
            trim--;
        }
        String expanded = userHome.substring(0, trim) + path.substring(end);
        return expanded.isEmpty() ? "/" : expanded;
    }
}
