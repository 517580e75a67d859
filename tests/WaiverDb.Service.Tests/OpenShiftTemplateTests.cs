using System.Text.Json.Nodes;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Tests.Infrastructure;
using static WaiverDb.Service.Tests.Infrastructure.OpenShiftManifests;

namespace WaiverDb.Service.Tests;

/// <summary>
/// openshift/: every YAML file parses, and the objects of each environment refer to each
/// other and to the service as they must (names, ports, secret keys, the settings path,
/// the migrate command). The probe paths are requested from the real service in
/// <see cref="OpenShiftProbeTests"/>.
/// </summary>
public sealed class OpenShiftTemplateTests
{
    private static readonly string[] EnvironmentNames = ["base", "overlays/staging", "overlays/prod"];

    public static TheoryData<string> Environments => new(EnvironmentNames);

    [Fact]
    public void EveryYamlFileParsesAndEveryObjectHasAKindAndAName()
    {
        var documents = AllDocuments().ToList();
        Assert.True(documents.Count >= 10, $"only {documents.Count} YAML documents under openshift/");
        foreach (var (file, document) in documents)
        {
            Assert.False(string.IsNullOrEmpty((string?)document["apiVersion"]), file);
            Assert.False(string.IsNullOrEmpty((string?)document["kind"]), file);
            if ((string?)document["kind"] != "Kustomization")
            {
                Assert.False(string.IsNullOrEmpty((string?)document["metadata"]?["name"]), file);
            }
        }
    }

    [Fact]
    public void EveryManifestOfTheBaseIsPartOfItButTheSecretTemplate()
    {
        var listed = Strings(ReadYaml(Path.Combine(Folder, "base/kustomization.yaml")).Single()["resources"]).ToHashSet();
        var files = Directory.EnumerateFiles(Path.Combine(Folder, "base"), "*.yaml").Select(Path.GetFileName)
            .Where(f => f != "kustomization.yaml");
        Assert.Equal(listed.Order(), files.Order()!);

        // The real secret values are created once by hand; applying an overlay must not overwrite them.
        Assert.DoesNotContain(EnvironmentNames.SelectMany(Build), o => (string?)o["kind"] == "Secret");
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void TheContainerPortIsTheListenAddressAndTheServiceAndRouteReachIt(string environment)
    {
        var objects = Build(environment);
        var deployment = Get(objects, "Deployment", "waiverdb-web");
        var web = Container(deployment, "web");
        var port = Assert.Single(web["ports"]!.AsArray())!;
        Assert.Equal("8080", (string?)port["containerPort"]);
        Assert.Equal("http://0.0.0.0:8080", Env(web, "WAIVERDB_LISTEN"));
        Assert.Equal(new Uri(Env(web, "WAIVERDB_LISTEN")!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)port["containerPort"]);

        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.True(JsonNode.DeepEquals(deployment["spec"]!["selector"]!["matchLabels"], podLabels));

        var service = Get(objects, "Service", "waiverdb-web");
        foreach (var (key, value) in service["spec"]!["selector"]!.AsObject())
        {
            Assert.Equal((string?)value, (string?)podLabels[key]);
        }

        var servicePort = Assert.Single(service["spec"]!["ports"]!.AsArray())!;
        Assert.Equal((string?)port["name"], (string?)servicePort["targetPort"]);

        var route = Get(objects, "Route", "waiverdb-web");
        Assert.Equal(("Service", "waiverdb-web"), ((string?)route["spec"]!["to"]!["kind"], (string?)route["spec"]!["to"]!["name"]));
        Assert.Equal((string?)servicePort["name"], (string?)route["spec"]!["port"]!["targetPort"]);
        Assert.Equal("edge", (string?)route["spec"]!["tls"]!["termination"]);
        Assert.Equal("Redirect", (string?)route["spec"]!["tls"]!["insecureEdgeTerminationPolicy"]);
        if (environment != "base")
        {
            Assert.False(string.IsNullOrEmpty((string?)route["spec"]!["host"]));
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void ProbesAndResourcesAreAsTheDeploymentStudyFound(string environment)
    {
        var deployment = Get(Build(environment), "Deployment", "waiverdb-web");
        Assert.Equal("2", (string?)deployment["spec"]!["replicas"]);
        var web = Container(deployment, "web");
        Assert.Equal("/healthcheck", (string?)web["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal(Hosting.Liveness.Route, (string?)web["livenessProbe"]!["httpGet"]!["path"]);
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            Assert.Equal("http", (string?)web[probe]!["httpGet"]!["port"]);
            Assert.Equal("1", (string?)web[probe]!["timeoutSeconds"]);
        }

        foreach (var container in new[] { web, InitContainer(deployment, "migrate") })
        {
            Assert.Equal("384Mi", (string?)container["resources"]!["limits"]!["memory"]);
            Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
            Assert.NotNull(container["resources"]!["requests"]!["memory"]);
            Assert.Equal("false", (string?)container["securityContext"]!["allowPrivilegeEscalation"]);
        }

        Assert.Equal("true", (string?)deployment["spec"]!["template"]!["spec"]!["securityContext"]!["runAsNonRoot"]);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void TheSettingsFileIsMountedWhereWaiverDbConfigPointsAndTheServiceAcceptsIt(string environment)
    {
        var objects = Build(environment);
        var deployment = Get(objects, "Deployment", "waiverdb-web");
        var secret = SecretTemplate();
        foreach (var container in new[] { Container(deployment, "web"), InitContainer(deployment, "migrate") })
        {
            var config = Env(container, "WAIVERDB_CONFIG")!;
            var (kind, name, key) = MountedFile(deployment, container, config);
            Assert.Equal("configMap", kind);
            var settingsText = (string?)Get(objects, "ConfigMap", name)["data"]?[key];
            Assert.NotNull(settingsText);

            // The OIDC client secrets the settings name are mounted from the Secret.
            var settings = JsonNode.Parse(settingsText)!.AsObject();
            var secretsPath = (string)settings["OIDC_CLIENT_SECRETS"]!;
            var (secretKind, secretName, secretKey) = MountedFile(deployment, container, secretsPath);
            Assert.Equal(("secret", "waiverdb-secrets"), (secretKind, secretName));

            // What check-config would say: the service starts with these settings and the
            // container's environment (literal values and the secret's keys).
            var folder = Directory.CreateTempSubdirectory("waiverdb-openshift-");
            try
            {
                var settingsFile = Path.Combine(folder.FullName, "settings.json");
                var clientSecrets = Path.Combine(folder.FullName, "client_secrets.json");
                File.WriteAllText(settingsFile, settingsText);
                File.WriteAllText(clientSecrets, (string)secret["stringData"]![secretKey]!);
                var environmentValues = Environment(container, secret);
                environmentValues["WAIVERDB_CONFIG"] = settingsFile;
                environmentValues["OIDC_CLIENT_SECRETS"] = clientSecrets;
                var loaded = SettingsLoader.Load(k => environmentValues.GetValueOrDefault(k));
                Assert.Contains("Password=change-me", loaded.Database.ConnectionString, StringComparison.Ordinal);
                Assert.Equal(LogFormat.Json, loaded.LogFormat);
                Assert.NotEmpty(loaded.TrustedProxies);
                Assert.Contains("sysadmin-waiverdb", loaded.Admins.Groups);
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void EverySecretKeyTheDeploymentUsesExistsAndIsASettingTheServiceReads(string environment)
    {
        var deployment = Get(Build(environment), "Deployment", "waiverdb-web");
        var secret = SecretTemplate();
        var documented = DocumentedSettings();
        var references = Containers(deployment)
            .SelectMany(c => c["env"]!.AsArray())
            .Where(e => e!["valueFrom"]?["secretKeyRef"] is not null)
            .Select(e => ((string)e!["name"]!, (string)e["valueFrom"]!["secretKeyRef"]!["name"]!, (string)e["valueFrom"]!["secretKeyRef"]!["key"]!))
            .ToList();
        Assert.Contains(references, r => r.Item1 == "DATABASE_PASSWORD");
        Assert.Contains(references, r => r.Item1 == "SECRET_KEY");
        foreach (var (variable, name, key) in references)
        {
            Assert.Equal((string?)secret["metadata"]!["name"], name);
            Assert.NotNull(secret["stringData"]![key]);
            Assert.Contains(variable, documented);
        }

        foreach (var variable in Containers(deployment).SelectMany(c => c["env"]!.AsArray()).Select(e => (string)e!["name"]!))
        {
            Assert.Contains(variable, documented);
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void TheInitContainerMigratesWithTheImagesEntryPointAndTheServiceDoesNot(string environment)
    {
        var deployment = Get(Build(environment), "Deployment", "waiverdb-web");
        var entryPoint = Containerfile.Parse(RepositoryFiles.Read("Containerfile")).Final.All("ENTRYPOINT").Single();
        var migrate = InitContainer(deployment, "migrate");
        var web = Container(deployment, "web");
        Assert.Equal(entryPoint.Trim('[', ']').Split(',').Select(p => p.Trim().Trim('"')).Append("migrate"), Strings(migrate["command"]));
        Assert.Equal((string?)web["image"], (string?)migrate["image"]);
        Assert.Equal("false", Env(web, "MIGRATE_ON_STARTUP"));
        Assert.Null(web["command"]);
    }

    [Theory]
    [InlineData("overlays/staging", "latest")]
    [InlineData("overlays/prod", "prod")]
    public void TheInfraImageIsBuiltOnTheAppImageTagOfTheEnvironmentAndDeployed(string environment, string tag)
    {
        var objects = Build(environment);
        var app = Get(objects, "ImageStream", "waiverdb");
        Assert.Equal(["latest", "prod"], app["spec"]!["tags"]!.AsArray().Select(t => (string)t!["name"]!));
        Assert.All(app["spec"]!["tags"]!.AsArray(), t => Assert.Equal("true", (string?)t!["importPolicy"]!["scheduled"]));

        var build = Get(objects, "BuildConfig", "waiverdb-web");
        var from = build["spec"]!["strategy"]!["dockerStrategy"]!["from"]!;
        Assert.Equal(("ImageStreamTag", $"waiverdb:{tag}"), ((string?)from["kind"], (string?)from["name"]));
        Assert.Contains(build["spec"]!["triggers"]!.AsArray(), t => (string?)t!["type"] == "ImageChange" && t["imageChange"]!["from"] is null);
        var output = build["spec"]!["output"]!["to"]!;
        Assert.Equal("ImageStreamTag", (string?)output["kind"]);
        var (stream, outputTag) = ((string)output["name"]!).Split(':') is [var s, var t2] ? (s, t2) : throw new InvalidOperationException();
        Get(objects, "ImageStream", stream);

        // The deployment runs the built image and rolls when it changes, init container included.
        var deployment = Get(objects, "Deployment", "waiverdb-web");
        Assert.Equal($"{stream}:{outputTag}", (string?)Container(deployment, "web")["image"]);
        var triggers = JsonNode.Parse((string)deployment["metadata"]!["annotations"]!["image.openshift.io/triggers"]!)!.AsArray();
        Assert.Equal(2, triggers.Count);
        Assert.All(triggers, t => Assert.Equal($"{stream}:{outputTag}", (string?)t!["from"]!["name"]));
        Assert.Contains(triggers, t => ((string)t!["fieldPath"]!).Contains("containers[?(@.name==\"web\")]", StringComparison.Ordinal));
        Assert.Contains(triggers, t => ((string)t!["fieldPath"]!).Contains("initContainers[?(@.name==\"migrate\")]", StringComparison.Ordinal));
    }

    private static JsonObject SecretTemplate() => ReadYaml(Path.Combine(Folder, "secret.yaml")).Single();

    private static IEnumerable<JsonObject> Containers(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray()
            .Concat(deployment["spec"]!["template"]!["spec"]!["initContainers"]!.AsArray()).Select(c => c!.AsObject());

    private static JsonObject Container(JsonObject deployment, string name) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single(c => (string?)c!["name"] == name)!.AsObject();

    private static JsonObject InitContainer(JsonObject deployment, string name) =>
        deployment["spec"]!["template"]!["spec"]!["initContainers"]!.AsArray().Single(c => (string?)c!["name"] == name)!.AsObject();

    private static string? Env(JsonObject container, string name) =>
        (string?)container["env"]!.AsArray().SingleOrDefault(e => (string?)e!["name"] == name)?["value"];

    /// <summary>The container's environment with secret references resolved from the template.</summary>
    private static Dictionary<string, string> Environment(JsonObject container, JsonObject secret) =>
        container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]
            ?? (string)secret["stringData"]![(string)e["valueFrom"]!["secretKeyRef"]!["key"]!]!);

    /// <summary>Which ConfigMap or Secret key a container sees at <paramref name="path"/>.</summary>
    private static (string Kind, string Name, string Key) MountedFile(JsonObject deployment, JsonObject container, string path)
    {
        var volumes = deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray();
        foreach (var mount in container["volumeMounts"]!.AsArray())
        {
            var mountPath = ((string)mount!["mountPath"]!).TrimEnd('/') + "/";
            if (!path.StartsWith(mountPath, StringComparison.Ordinal))
            {
                continue;
            }

            var volume = volumes.Single(v => (string?)v!["name"] == (string?)mount["name"])!;
            var sources = volume["projected"]?["sources"]!.AsArray().Select(s => s!.AsObject())
                ?? [new JsonObject { ["configMap"] = volume["configMap"]?.DeepClone(), ["secret"] = volume["secret"]?.DeepClone() }];
            foreach (var source in sources)
            {
                foreach (var kind in new[] { "configMap", "secret" })
                {
                    if (source[kind] is not JsonObject reference)
                    {
                        continue;
                    }

                    var item = reference["items"]!.AsArray().SingleOrDefault(i => mountPath + (string)i!["path"]! == path);
                    if (item is not null)
                    {
                        return (kind, (string)(reference["name"] ?? reference["secretName"])!, (string)item["key"]!);
                    }
                }
            }
        }

        throw new InvalidOperationException($"nothing is mounted at {path}");
    }

    /// <summary>The keys of README's settings table, and the two the environment alone sets.</summary>
    private static HashSet<string> DocumentedSettings()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { "WAIVERDB_CONFIG", "WAIVERDB_LISTEN" };
        foreach (var line in RepositoryFiles.Read("README.md").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            foreach (var key in line.Split('|')[1].Split('`').Where((_, i) => i % 2 == 1))
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}
