namespace WaiverDb.Contracts.Waivers;

/// <summary>
/// Translates between the legacy <c>subject</c> dictionaries of older clients and the
/// (subject_type, subject_identifier) pair that waivers are stored with.
/// </summary>
public static class SubjectMapping
{
    /// <summary>Brew is Red Hat's Koji: its builds are stored under Koji's name.</summary>
    public static string NormalizeType(string subjectType) =>
        subjectType == "brew-build" ? "koji_build" : subjectType;

    /// <summary>The legacy echo served in every waiver's <c>subject</c> field.</summary>
    public static IReadOnlyDictionary<string, string> ToLegacySubject(string subjectType, string subjectIdentifier) =>
        subjectType == "compose"
            ? new Dictionary<string, string> { ["productmd.compose.id"] = subjectIdentifier }
            : new Dictionary<string, string> { ["type"] = subjectType, ["item"] = subjectIdentifier };

    /// <summary>
    /// Maps <c>{"type", "item"}</c>, <c>{"original_spec_nvr"}</c> or
    /// <c>{"productmd.compose.id"}</c> to a type and identifier; false for anything else.
    /// </summary>
    public static bool TryFromLegacySubject(
        IReadOnlyDictionary<string, string?> subject, out string subjectType, out string subjectIdentifier)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.TryGetValue("type", out var type) && subject.TryGetValue("item", out var item)
            && !string.IsNullOrEmpty(type) && !string.IsNullOrEmpty(item))
        {
            (subjectType, subjectIdentifier) = (NormalizeType(type), item);
            return true;
        }

        if (subject.TryGetValue("original_spec_nvr", out var nvr) && !string.IsNullOrEmpty(nvr))
        {
            (subjectType, subjectIdentifier) = ("koji_build", nvr);
            return true;
        }

        if (subject.TryGetValue("productmd.compose.id", out var compose) && !string.IsNullOrEmpty(compose))
        {
            (subjectType, subjectIdentifier) = ("compose", compose);
            return true;
        }

        (subjectType, subjectIdentifier) = (string.Empty, string.Empty);
        return false;
    }
}
