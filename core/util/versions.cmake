# Library versions for the about box (util/versions.h). RE2's pkg-config file
# on Debian says 0.0.0 and libphonenumber has no version header, so the build
# records the version suffix of the shared library it links (libre2.so.9 gives
# "ABI 9", libphonenumber.so.8.12 gives "8.12").
target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/versions.cpp ${CMAKE_CURRENT_LIST_DIR}/versions.h)
target_link_libraries(osh_core PRIVATE PkgConfig::LIBGIT2)

function(osh_library_version out lib)
    get_filename_component(_real "${lib}" REALPATH)
    get_filename_component(_name "${_real}" NAME)
    string(REGEX MATCH "\\.so\\.([0-9.]+)$" _m "${_name}")
    set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

if(RE2_VERSION AND NOT RE2_VERSION STREQUAL "0.0.0")
    set(_re2 "${RE2_VERSION}")
else()
    find_library(_re2_lib NAMES re2 HINTS ${RE2_LIBRARY_DIRS})
    osh_library_version(_re2_so "${_re2_lib}")
    string(REGEX MATCH "^[0-9]+" _re2_so "${_re2_so}")
    set(_re2 "ABI ${_re2_so} (build)")
endif()
osh_library_version(_pn "${PHONENUMBER_LIBRARY}")
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/versions.cpp PROPERTIES COMPILE_DEFINITIONS
    "OSH_RE2_VERSION=\"${_re2}\";OSH_PHONENUMBER_VERSION=\"${_pn} (build)\"")
