// The reader's ID table: every ID found again after the table grows, a second definition answers
// with the first, and an unknown or empty ID is not found.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "policy/id_table.hpp"

using cipolicy::policy::IdTable;

TEST_CASE("ID table: defines survive growth and a duplicate answers with the first", "[reader]") {
    pugi::xml_document doc;
    const pugi::xml_node first = doc.append_child("First");
    const pugi::xml_node second = doc.append_child("Second");
    std::vector<std::string> ids;
    for (int i = 0; i < 5000; ++i) ids.push_back("ID_DENY_" + std::to_string(i * 7919));
    IdTable table("file rule");
    CHECK(table.find("ID_DENY_0") == nullptr);  // empty table
    for (std::uint32_t i = 0; i < ids.size(); ++i) CHECK(table.define(ids[i], i, first).second);
    for (std::uint32_t i = 0; i < ids.size(); ++i) {
        const auto* e = table.find(ids[i]);
        REQUIRE(e != nullptr);
        CHECK(e->index == i);
        CHECK(e->id == ids[i]);
    }
    const auto [entry, added] = table.define(ids[42], 9999, second);
    CHECK_FALSE(added);
    CHECK(entry->index == 42);
    CHECK(entry->node == first);
    CHECK(table.find("ID_DENY_1") == nullptr);
    CHECK(table.find("") == nullptr);
    CHECK(std::string(table.kind()) == "file rule");
    table.reserve(20000);  // a rehash keeps every entry
    for (std::uint32_t i = 0; i < ids.size(); i += 97) CHECK(table.find(ids[i])->index == i);
}
