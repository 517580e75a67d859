using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// The objects of <c>openshift/</c> as one environment gets them: a kustomization's
/// resources, its ConfigMap generators and JSON patches applied, the way <c>oc apply -k</c>
/// would (names without the generators' hash suffixes). YAML is read with YamlDotNet into
/// JSON nodes; every scalar is a string.
/// </summary>
public static class OpenShiftManifests
{
    public static string Folder => RepositoryFiles.PathOf("openshift");

    /// <summary>Every document of every YAML file under openshift/, by file.</summary>
    public static IEnumerable<(string File, JsonObject Document)> AllDocuments() =>
        Directory.EnumerateFiles(Folder, "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Folder, "*.yml", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .SelectMany(file => ReadYaml(file).Select(document => (Path.GetRelativePath(Folder, file), document)));

    public static List<JsonObject> ReadYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>()];
    }

    /// <summary>The objects an overlay (or the base) makes, e.g. <c>overlays/prod</c>.</summary>
    public static List<JsonObject> Build(string kustomization)
    {
        var folder = Path.Combine(Folder, kustomization);
        var file = ReadYaml(Path.Combine(folder, "kustomization.yaml")).Single();
        var objects = new List<JsonObject>();
        foreach (var resource in Strings(file["resources"]))
        {
            var path = Path.GetFullPath(Path.Combine(folder, resource));
            objects.AddRange(Directory.Exists(path) ? Build(Path.GetRelativePath(Folder, path)) : ReadYaml(path));
        }

        foreach (var generator in (file["configMapGenerator"] as JsonArray ?? []).Select(g => g!.AsObject()))
        {
            var name = (string)generator["name"]!;
            var data = new JsonObject();
            foreach (var source in Strings(generator["files"]))
            {
                data[Path.GetFileName(source)] = File.ReadAllText(Path.Combine(folder, source));
            }

            var existing = Find(objects, "ConfigMap", name);
            var behavior = (string?)generator["behavior"] ?? "create";
            Assert.True(behavior == "create" ? existing is null : existing is not null,
                $"{kustomization}: configMapGenerator {name} with behavior {behavior}");
            objects.Remove(existing!);
            objects.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["data"] = data,
            });
        }

        foreach (var patch in (file["patches"] as JsonArray ?? []).Select(p => p!.AsObject()))
        {
            var target = patch["target"]!.AsObject();
            var subject = Find(objects, (string)target["kind"]!, (string)target["name"]!)
                ?? throw new InvalidOperationException($"{kustomization}: a patch targets {target.ToJsonString()}, which is not there");
            var operations = ToJson(LoadYamlText((string)patch["patch"]!))!.AsArray();
            foreach (var operation in operations.Select(o => o!.AsObject()))
            {
                Apply(subject, (string)operation["op"]!, (string)operation["path"]!, operation["value"]?.DeepClone(), kustomization);
            }
        }

        return objects;
    }

    public static JsonObject? Find(IEnumerable<JsonObject> objects, string kind, string name) =>
        objects.SingleOrDefault(o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name);

    public static JsonObject Get(IEnumerable<JsonObject> objects, string kind, string name) =>
        Find(objects, kind, name) ?? throw new InvalidOperationException($"no {kind} {name}");

    public static IEnumerable<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => (string)n!);

    private static void Apply(JsonObject subject, string op, string pointer, JsonNode? value, string where)
    {
        var parts = pointer.TrimStart('/').Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        JsonNode parent = subject;
        foreach (var part in parts[..^1])
        {
            parent = (parent is JsonArray array ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)] : parent[part])
                ?? throw new InvalidOperationException($"{where}: {op} {pointer}: no {part}");
        }

        var last = parts[^1];
        var target = parent.AsObject();
        switch (op)
        {
            case "replace" when !target.ContainsKey(last):
                throw new InvalidOperationException($"{where}: replace {pointer}: nothing to replace");
            case "replace" or "add":
                target[last] = value;
                break;
            default:
                throw new InvalidOperationException($"{where}: {op} is not understood here");
        }
    }

    private static YamlNode LoadYamlText(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Single().RootNode;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Value: null or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };
}
