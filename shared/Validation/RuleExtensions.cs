using FluentValidation;

namespace WaiverDb.Contracts.Validation;

/// <summary>
/// Shared rules, with the error codes and messages of upstream's pydantic models so the
/// <c>validation_error</c> entries read the same as upstream's.
/// </summary>
public static class RuleExtensions
{
    public const string NulMessage = "String should not contain NUL characters";

    public static IRuleBuilderOptions<T, string?> Required<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotNull().WithErrorCode("missing").WithMessage("Field required");

    public static IRuleBuilderOptions<T, string?> NotBlank<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || !string.IsNullOrWhiteSpace(value))
            .WithErrorCode("string_too_short").WithMessage("String should have at least 1 character");

    public static IRuleBuilderOptions<T, string?> MaxChars<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(value => FitsChars(value, max))
            .WithErrorCode("string_too_long").WithMessage($"String should have at most {max} characters");

    /// <summary>PostgreSQL cannot store NUL in text, so it is refused here rather than failing there.</summary>
    public static IRuleBuilderOptions<T, string?> NoNul<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(HasNoNul)
            .WithErrorCode("string_nul").WithMessage(NulMessage);

    /// <summary>The check of <see cref="MaxChars"/>: absent, or at most <paramref name="max"/> characters.</summary>
    public static bool FitsChars(string? value, int max) => value is null || value.Length <= max;

    /// <summary>The check of <see cref="NoNul"/>.</summary>
    public static bool HasNoNul(string? value) => value is null || !value.Contains('\0', StringComparison.Ordinal);

    /// <summary>An optional string: when present it must be non-blank, short enough and free of NUL.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.NotBlank().MaxChars(max).NoNul();

    /// <summary>A field that must be absent because another one was given.</summary>
    public static IRuleBuilderOptions<T, TProperty> Absent<T, TProperty>(this IRuleBuilder<T, TProperty> rule, string because) =>
        rule.Must(value => value is null).WithErrorCode("value_error").WithMessage(because);
}
