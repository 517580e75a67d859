namespace WaiverDb.Contracts;

/// <summary><c>GET /about</c>: the running version and the first configured authentication method.</summary>
public sealed record AboutResponse(string Version, string AuthMethod);
