# bx_module(NAME <target> DIR <folder under src> [DEPS targets...] [TEST_DEPS targets...])
# One static library per module folder; its *_test.cc files become one GoogleTest binary.
# Sources are globbed so that adding a file to a module needs no CMake edit.
# DEPS are enforced: scripts/check-module-deps (run by every build, target check_module_deps)
# fails when a file includes a header of a module its module does not depend on.
function(bx_module)
  cmake_parse_arguments(M "" "NAME;DIR" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${M_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${M_DIR}/*_test.cc)
  list(REMOVE_ITEM srcs ${tests} "")
  list(FILTER srcs EXCLUDE REGEX "/main\\.cc$")  # the binary's entry point is not library code
  if(srcs)
    add_library(${M_NAME} STATIC ${srcs})
    target_link_libraries(${M_NAME} PUBLIC ${M_DEPS})
  else()
    add_library(${M_NAME} INTERFACE)
    target_link_libraries(${M_NAME} INTERFACE ${M_DEPS})
  endif()
  if(tests AND BX_BUILD_TESTS)
    add_executable(${M_NAME}_test ${tests})
    target_link_libraries(${M_NAME}_test PRIVATE ${M_NAME} ${M_TEST_DEPS} bx_testing GTest::gtest_main GTest::gmock)
    # One ctest entry per binary: suites share expensive setup (generated stores, reader runs)
    # that per-test processes would repeat.
    add_test(NAME ${M_NAME}_test COMMAND ${M_NAME}_test)
    set_tests_properties(${M_NAME}_test PROPERTIES LABELS unit)
  endif()
  # For scripts/check-module-deps: "<dir> <target> deps: ... test_deps: ..."
  string(REPLACE ";" " " deps "${M_DEPS}")
  string(REPLACE ";" " " test_deps "${M_TEST_DEPS}")
  set_property(GLOBAL APPEND PROPERTY BX_MODULE_LINES
    "${M_DIR} ${M_NAME} deps: ${deps} test_deps: ${test_deps}")
endfunction()

# Writes the module graph for scripts/check-module-deps and runs the check in every build.
function(bx_check_module_deps)
  get_property(lines GLOBAL PROPERTY BX_MODULE_LINES)
  list(JOIN lines "\n" text)
  file(WRITE ${CMAKE_BINARY_DIR}/modules.txt "${text}\n")
  add_custom_target(check_module_deps ALL
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-module-deps ${CMAKE_BINARY_DIR}/modules.txt
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "Checking that every #include stays within its module's DEPS"
    VERBATIM)
endfunction()
