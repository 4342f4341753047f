# The side-by-side and semantic diff widgets of the compare window. history.cmake
# may list them already; add each only once.
get_target_property(_osh_ui_sources osh_ui SOURCES)
foreach(_osh_diff_part sidebysidediff semanticdiffview)
    set(_osh_diff_cpp ${CMAKE_CURRENT_LIST_DIR}/${_osh_diff_part}.cpp)
    if(NOT _osh_diff_cpp IN_LIST _osh_ui_sources)
        target_sources(osh_ui PRIVATE ${_osh_diff_cpp} ${CMAKE_CURRENT_LIST_DIR}/${_osh_diff_part}.h)
    endif()
endforeach()
