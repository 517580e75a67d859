using System.Text.Json;
using System.Text.Json.Nodes;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Admin;

/// <summary>
/// <c>ADMINS</c>: the users, and the members of the groups, allowed the operations of
/// <c>/api/v1.0/admin</c>. Either a list of user names, <c>["alice", "bob"]</c>, or an
/// object <c>{"users": [...], "groups": [...]}</c>; unset or empty, nobody is an administrator.
/// </summary>
public sealed record AdminSettings(IReadOnlySet<string> Users, IReadOnlySet<string> Groups)
{
    private const string Key = "ADMINS";
    private const string Expectation = "must be a list of user names or {\"users\": [...], \"groups\": [...]}";

    public static readonly AdminSettings None = new(new HashSet<string>(), new HashSet<string>());

    internal static AdminSettings Read(SettingsSource source)
    {
        var node = source.Value(Key);
        switch (node?.GetValueKind())
        {
            case null:
                return None;
            case JsonValueKind.Array:
                return new AdminSettings(Names(source, node.AsArray(), "every entry"), new HashSet<string>());
            case JsonValueKind.Object:
                var admins = node.AsObject();
                foreach (var (name, _) in admins.Where(p => p.Key is not ("users" or "groups")))
                {
                    // A mistyped "group" would silently grant nobody; say so instead.
                    source.Problem(Key, $"unknown key '{name}' ({Expectation})");
                }

                return new AdminSettings(List(source, admins, "users"), List(source, admins, "groups"));
            default:
                source.Problem(Key, Expectation);
                return None;
        }
    }

    /// <summary>Whether <paramref name="user"/>, or one of <paramref name="groups"/>, is listed.</summary>
    public bool Includes(string user, IEnumerable<string> groups) => Users.Contains(user) || groups.Any(Groups.Contains);

    private static HashSet<string> List(SettingsSource source, JsonObject admins, string key)
    {
        if (!admins.TryGetPropertyValue(key, out var node) || node is null)
        {
            return [];
        }

        if (node.GetValueKind() != JsonValueKind.Array)
        {
            source.Problem(Key, $"{key} must be a list of strings");
            return [];
        }

        return Names(source, node.AsArray(), $"every entry of {key}");
    }

    private static HashSet<string> Names(SettingsSource source, JsonArray list, string what)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (item?.GetValueKind() == JsonValueKind.String && item.GetValue<string>().Trim() is { Length: > 0 } name)
            {
                names.Add(name);
            }
            else
            {
                source.Problem(Key, $"{what} must be a non-empty string, not {item?.ToJsonString() ?? "null"}");
            }
        }

        return names;
    }
}
