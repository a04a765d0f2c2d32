#pragma once
// Just enough XML for S3's responses (flat, well-formed, no CDATA) and request bodies.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bx::s3 {

// The raw contents of every <tag>...</tag> (or empty for <tag/>) in `xml`, in order.
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);
// The decoded text of the first <tag> element, if any.
std::optional<std::string> XmlText(std::string_view xml, std::string_view tag);
// Decodes &amp; &lt; &gt; &quot; &apos; and numeric character references.
std::string XmlUnescape(std::string_view text);
std::string XmlEscape(std::string_view text);

}  // namespace bx::s3
