using System.Text.Json.Serialization;
using WaiverDb.Contracts.Admin;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts;

/// <summary>
/// The API's JSON, generated at compile time: snake_case property names as upstream
/// spells them; dictionary keys (such as <c>productmd.compose.id</c>) are kept as they are.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Waiver))]
[JsonSerializable(typeof(IReadOnlyList<Waiver>))]
[JsonSerializable(typeof(WaiverPage))]
[JsonSerializable(typeof(WaiverList))]
[JsonSerializable(typeof(CreateWaiverRequest))]
[JsonSerializable(typeof(IReadOnlyList<CreateWaiverRequest>))]
[JsonSerializable(typeof(WaiverFilter))]
[JsonSerializable(typeof(IReadOnlyList<WaiverFilter>))]
[JsonSerializable(typeof(FilteredWaiversRequest))]
[JsonSerializable(typeof(BySubjectsAndTestcasesRequest))]
[JsonSerializable(typeof(AboutResponse))]
[JsonSerializable(typeof(ConfigResponse))]
[JsonSerializable(typeof(PermissionEntry))]
[JsonSerializable(typeof(IReadOnlyList<PermissionEntry>))]
[JsonSerializable(typeof(PermissionMappingEntry))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, PermissionMappingEntry>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(AdminReasonRequest))]
[JsonSerializable(typeof(AdminActionResponse))]
[JsonSerializable(typeof(AdminAuditPage))]
[JsonSerializable(typeof(WaiverDeletedMessage))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
public sealed partial class WaiverDbJsonContext : JsonSerializerContext;
