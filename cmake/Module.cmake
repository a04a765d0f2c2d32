# bx_module(NAME <target> DIR <folder under src> [DEPS targets...])
# One static library per module folder; its *_test.cc files become one GoogleTest binary.
# Sources are globbed so that adding a file to a module needs no CMake edit.
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
    # Tests that run the project's own tools (tools/node) find them from here.
    target_compile_definitions(${M_NAME}_test PRIVATE BX_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    # One ctest entry per binary: suites share expensive setup (generated stores, reader runs)
    # that per-test processes would repeat.
    add_test(NAME ${M_NAME}_test COMMAND ${M_NAME}_test)
    set_tests_properties(${M_NAME}_test PROPERTIES LABELS unit)
  endif()
endfunction()
